"""`make bench` (many-cluster part): inventory and rollout across thousands of emulated clusters, with ARM
throttling on.

Adds a "many_clusters" entry to bench/results.json and refreshes the many-cluster table in README.md. Figures are
medians where a measure is repeated; targets are checked here, never in the test suite.
"""
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'bench'))

# The imports below need the repository root on the path: this runs as `python bench/many_clusters.py`.
# pylint: disable=wrong-import-position
from arm_emulator.harness.azcli import AzCli, fresh_folder, script_options  # noqa: E402
from arm_emulator.harness.control import EmulatorProcess  # noqa: E402
# bench/ is on sys.path (above); pylint takes the sibling script for a third-party module.
from run import PEAK_PROBE, mark, markdown_table, refresh_readme  # noqa: E402  pylint: disable=wrong-import-order
# pylint: enable=wrong-import-position

CLEAN = {'stopped_share': 0, 'sp_share': 0, 'not_ready_share': 0, 'failed_share': 0}
OP_SECONDS = 3.0
PARALLEL = 50          # the measured rollout; another at 100 is recorded for comparison
WIDE = 100
LOOP_SAMPLE = 20
TARGETS = {'inventory_s': 5.0, 'inventory_requests': 30, 'inventory_mib': 200, 'rollout_ratio': 2.0,
           'rerun_s': 15.0}


def arm_requests(admin):
    return [r for r in admin.requests() if '/oauth2/' not in r['path']]


def probe(cli, *args):
    done = subprocess.run([sys.executable, '-c', PEAK_PROBE, cli.az] + list(args), env=cli.env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench: `az {' '.join(args)}` failed:\n{done.stderr}")
    *out, wall, peak = done.stdout.split()
    return ' '.join(out), float(wall), int(peak) / 1024


def bench_inventory(cli, emulator, subscriptions, runs):
    walls, peaks, requests = [], [], []
    for _ in range(runs):
        emulator.admin.clear_requests()
        listed, wall, peak = probe(cli, 'k8s-extension', 'list', '--subscriptions', *subscriptions,
                                   '--query', 'length(@)', '-o', 'tsv')
        if int(listed) != 10000:
            raise SystemExit(f'bench: the inventory listed {listed} extensions, expected 10000')
        walls.append(wall)
        peaks.append(peak)
        requests.append(len(arm_requests(emulator.admin)))
    # The loop a user would write: one `list` per cluster. Time 20 and extrapolate to the 2,000 clusters.
    clusters = json.loads(cli.run('k8s-extension', 'list', '--subscriptions', subscriptions[0], '--query',
                                  '[].[resourceGroup, clusterName, clusterType]', '-o', 'json').stdout)
    sample = sorted({tuple(row) for row in clusters})[:LOOP_SAMPLE]
    start = time.perf_counter()
    for group, name, cluster_type in sample:
        done = cli.run('k8s-extension', 'list', '-g', group, '-c', name, '-t', cluster_type, '-o', 'none')
        if done.returncode != 0:
            raise SystemExit('bench: the per-cluster list failed:\n' + done.stderr)
    loop = (time.perf_counter() - start) / len(sample) * 2000
    return {'extensions': 10000, 'clusters': 2000, 'subscriptions': len(subscriptions),
            'wall_s': round(statistics.median(walls), 3), 'requests': int(statistics.median(requests)),
            'peak_rss_mib': round(statistics.median(peaks), 1),
            'per_cluster_loop_extrapolated_s': round(loop, 1),
            'speedup': round(loop / statistics.median(walls), 1)}


def _rollout(cli, subscriptions, journal, parallel=PARALLEL, version='1.16.2'):
    start = time.perf_counter()
    done = cli.run('k8s-extension', 'rollout', '-g', 'roll-rg-0', '--subscriptions', *subscriptions, '-n', 'flux',
                   '--extension-type', 'microsoft.flux', '--version', version, '--max-parallel', str(parallel),
                   '--journal', str(journal), '-o', 'json', timeout=1800)
    wall = time.perf_counter() - start
    rows = json.loads(done.stdout) if done.stdout.strip() else []
    return done, rows, wall


def bench_rollout(cli, emulator, subscriptions, home):
    emulator.admin.config(op_seconds=OP_SECONDS)
    emulator.admin.clear_requests()
    throttled_before = emulator.admin.throttled()
    done, rows, wall = _rollout(cli, subscriptions, home / 'rollout.jsonl')
    if done.returncode != 0:
        raise SystemExit(f'bench: the rollout failed:\n{done.stderr[-3000:]}')
    requests = arm_requests(emulator.admin)
    arm = [r for r in requests if 'resourcegraph' not in r['path'].lower()]
    writes = Counter(r['path'].lower() for r in arm if r['method'] in ('PUT', 'PATCH') and r['status'] < 300)
    ideal = math.ceil(len(rows) / PARALLEL) * OP_SECONDS
    result = {'clusters': len(rows), 'operation_s': OP_SECONDS, 'max_parallel': PARALLEL, 'wall_s': round(wall, 1),
              'ideal_s': ideal, 'ratio': round(wall / ideal, 2),
              'converged': sum(1 for row in rows if row['result'] in ('Succeeded', 'Unchanged')),
              'requests_per_cluster': round(len(arm) / max(1, len(rows)), 2),
              'graph_requests': len(requests) - len(arm),
              'throttled_by_arm': emulator.admin.throttled() - throttled_before,
              'throttled_reaching_user': sum(1 for row in rows if '429' in (row.get('error') or '')
                                             or 'TooManyRequests' in (row.get('error') or '')),
              'duplicate_writes': sum(1 for count in writes.values() if count > 1)}
    # The same command again: everything converged, so nothing may be written; then without the journal.
    emulator.admin.clear_requests()
    done, rows, rerun = _rollout(cli, subscriptions, home / 'rollout.jsonl')
    done_fresh, _, rerun_fresh = _rollout(cli, subscriptions, home / 'fresh.jsonl')
    result.update({'rerun_s': round(rerun, 2), 'rerun_without_journal_s': round(rerun_fresh, 2),
                   'rerun_writes': len([r for r in arm_requests(emulator.admin) if r['method'] in ('PUT', 'PATCH')]),
                   'rerun_ok': done.returncode == 0 and done_fresh.returncode == 0})
    # The same clusters, back to 1.15.1, twice as wide: for comparison (the write bucket bites harder).
    emulator.admin.clear_requests()
    done, rows, wall = _rollout(cli, subscriptions, home / 'wide.jsonl', WIDE, '1.15.1')
    ideal = math.ceil(len(rows) / WIDE) * OP_SECONDS
    result['wide'] = {'max_parallel': WIDE, 'wall_s': round(wall, 1), 'ideal_s': ideal,
                      'ratio': round(wall / ideal, 2), 'ok': done.returncode == 0,
                      'requests_per_cluster': round(len([r for r in arm_requests(emulator.admin)
                                                         if 'resourcegraph' not in r['path'].lower()])
                                                    / max(1, len(rows)), 2)}
    return result


def render(seeded):
    inv, roll = seeded['inventory'], seeded['rollout']
    rows = [
        ('Inventory: 10,000 extensions on 2,000 clusters in 3 subscriptions',
         f"{inv['wall_s']:.2f} s, {inv['requests']} requests, peak {inv['peak_rss_mib']:.0f} MiB",
         '< 5 s, < 30 requests, < 200 MiB',
         mark(inv['wall_s'] < TARGETS['inventory_s'] and inv['requests'] < TARGETS['inventory_requests']
              and inv['peak_rss_mib'] < TARGETS['inventory_mib'])),
        ('Per-cluster `list` loop, 20 clusters timed, extrapolated to 2,000',
         f"{inv['per_cluster_loop_extrapolated_s']:.0f} s ({inv['speedup']:.0f}x slower)", '-', '-'),
        (f"Rollout to 1,000 clusters, 3 s operations, --max-parallel {roll['max_parallel']}, throttling on",
         f"{roll['wall_s']:.1f} s vs ideal {roll['ideal_s']:.0f} s = {roll['ratio']:.2f}x; "
         f"{roll['throttled_by_arm']} 429s absorbed, {roll['throttled_reaching_user']} reached the user; "
         f"{roll['requests_per_cluster']:.1f} requests/cluster",
         '< 2x ideal, no 429 to the user', mark(roll['ratio'] < TARGETS['rollout_ratio']
                                                and roll['throttled_reaching_user'] == 0
                                                and roll['converged'] == roll['clusters'])),
        (f"The same rollout at --max-parallel {roll['wide']['max_parallel']} (for comparison)",
         f"{roll['wide']['wall_s']:.1f} s vs ideal {roll['wide']['ideal_s']:.0f} s = {roll['wide']['ratio']:.2f}x; "
         f"{roll['wide']['requests_per_cluster']:.1f} requests/cluster", '-', '-'),
        ('Re-run of the converged rollout (with / without its journal)',
         f"{roll['rerun_s']:.2f} s / {roll['rerun_without_journal_s']:.2f} s, {roll['rerun_writes']} writes",
         '< 15 s, no writes', mark(max(roll['rerun_s'], roll['rerun_without_journal_s']) < TARGETS['rerun_s']
                                   and roll['rerun_writes'] == 0)),
    ]
    return '\n'.join(markdown_table(rows))


def main():
    options = script_options(__doc__, runs=(int, 3))
    home = fresh_folder(ROOT / '.bench-many')
    with EmulatorProcess(home / 'emulator', op_seconds=OP_SECONDS) as emulator:
        cli = AzCli.with_aksext(emulator, home, options.wheel)
        seeded = emulator.admin.seed_clusters(subscriptions=3, groups=4, clusters=2000, extensions_per_cluster=5)
        print(f"seeded: {seeded['clusters']} clusters, {seeded['extensions']} extensions; measuring ...",
              flush=True)
        inventory = bench_inventory(cli, emulator, seeded['subscriptions'], options.runs)
        emulator.admin.seed_clusters(**dict(CLEAN, subscriptions=3, groups=1, clusters=1000, prefix='roll',
                                            extensions_per_cluster=1, extension_types=['microsoft.flux']))
        rollout = bench_rollout(cli, emulator, seeded['subscriptions'], home)
    results_path = ROOT / 'bench' / 'results.json'
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results['fleet'] = {'inventory': inventory, 'rollout': rollout,
                        'machine': f'{os.cpu_count()} cores, Python {sys.version.split()[0]}'}
    table = render(results['fleet'])
    results['fleet']['targets_met'] = 'MISSED' not in table
    results_path.write_text(json.dumps(results, indent=2) + '\n')
    print(table)
    refresh_readme(table, 'bench-fleet')
    if not results['fleet']['targets_met']:
        raise SystemExit('bench: a many-cluster target was missed (see above)')


if __name__ == '__main__':
    main()
