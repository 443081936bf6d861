"""`make bench` (many-cluster part): inventory and rollout across thousands of emulated clusters, with ARM
throttling on; then a fleet of 10,000 clusters in 10 subscriptions rolled out with a file journal and with a journal
in Azure Blob Storage (Azurite).

Adds a "many_clusters" entry to bench/results.json and refreshes the many-cluster table in README.md. Figures are
medians where a measure is repeated; targets are checked here, never in the test suite.

    python bench/many_clusters.py --wheel W [--runs 3] [--soak SECONDS] [--part all|classic|fleet]

--soak: seconds each cluster soaks once its extension succeeded, passed to the rollout as --soak when
`az k8s-extension rollout --help` has that flag (and counted in the ideal time); 0 (the default) or a rollout
without the flag: no soak.
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
from arm_emulator.harness import azurite as azurite_harness  # noqa: E402
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
           'rerun_s': 15.0, 'fleet_ratio': 1.2, 'blob_vs_file': 1.10}
# The fleet: 10,000 clusters in 10 subscriptions, no extension yet, rolled out twice (file journal, blob journal),
# each run on clusters of its own so that both do the same work.
FLEET_CLUSTERS, FLEET_SUBSCRIPTIONS, FLEET_PARALLEL = 10000, 10, 200
# ARM's per-subscription write bucket (arm_emulator/frontdoor/throttling.py, FLEET.md): size and refill per second.
WRITE_BUCKET, WRITE_REFILL = 200, 10.0


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


def fleet_ideal(clusters, subscriptions, parallel, *, operation_s, soak_s, canary=1):
    """The shortest a rollout can take, and what sets it. Each cluster takes the operation time plus the soak; the
    canary goes first, then --max-parallel clusters at a time: (op + soak) x (1 + ceil((clusters - canary) /
    parallel)). ARM's per-subscription write bucket lets (clusters per subscription - bucket size) / refill seconds
    pass before the last write, which then takes op + soak. The ideal is the larger of the two."""
    waves = (operation_s + soak_s) * (1 + math.ceil((clusters - canary) / parallel))
    per_subscription = math.ceil(clusters / subscriptions)
    bucket = max(0.0, (per_subscription - WRITE_BUCKET) / WRITE_REFILL) + operation_s + soak_s
    return max(waves, bucket), ('waves' if waves >= bucket else 'write bucket'), waves, bucket


def soak_supported(cli):
    done = cli.run('k8s-extension', 'rollout', '--help')
    return '--soak' in done.stdout


def _fleet_rollout(cli, emulator, subscriptions, group, journal, *, soak):
    """One timed rollout of the fleet (wall, peak RSS of az, converged count, ARM requests, duplicate writes)."""
    emulator.admin.clear_requests()
    soak_args = ['--soak', f'{soak:g}s'] if soak else []
    query = "[length(@), length([?result=='Succeeded' || result=='Unchanged'])]"
    out, wall, peak = probe(cli, 'k8s-extension', 'rollout', '-g', group, '--subscriptions', *subscriptions, '-n',
                            'flux', '--extension-type', 'microsoft.flux', '--version', '1.16.2', '--max-parallel',
                            str(FLEET_PARALLEL), '--journal', str(journal), *soak_args, '--query', query, '-o', 'tsv')
    clusters, converged = (int(value) for value in out.split())
    arm = [r for r in arm_requests(emulator.admin) if 'resourcegraph' not in r['path'].lower()]
    writes = Counter(r['path'].lower() for r in arm if r['method'] in ('PUT', 'PATCH') and r['status'] < 300)
    return {'clusters': clusters, 'converged': converged, 'wall_s': round(wall, 1), 'peak_rss_mib': round(peak, 1),
            'requests_per_cluster': round(len(arm) / max(1, clusters), 2),
            'throttled_by_arm': sum(1 for r in arm if r['status'] == 429),
            'duplicate_writes': sum(1 for count in writes.values() if count > 1)}


def _cluster_seconds(records):
    """The median time from a cluster's `submitting` record to its `succeeded` one: the operation as aksext saw it
    (the operation itself, plus the polling that noticed its end, plus the soak)."""
    started, spans = {}, []
    for record in records:
        if record.get('record') != 'cluster':
            continue
        if record['status'] == 'submitting':
            started[record['cluster']] = record['time']
        elif record['status'] == 'succeeded' and record['cluster'] in started:
            spans.append(record['time'] - started[record['cluster']])
    return round(statistics.median(spans), 2) if spans else None


def bench_fleet(wheel, home, soak):
    """10,000 clusters in 10 subscriptions, throttling on: the same rollout with a file journal and a blob one."""
    with EmulatorProcess(home / 'fleet-emulator', op_seconds=OP_SECONDS) as emulator, \
            azurite_harness.AzuriteProcess(home / 'azurite', emulator.data_dir) as azurite:
        cli = AzCli.with_aksext(emulator, home / 'fleet', wheel)
        if soak and not soak_supported(cli):
            print(f'bench: SOAK={soak:g} asked, but this rollout has no --soak flag: measuring without a soak',
                  flush=True)
            soak = 0
        spec = dict(CLEAN, subscriptions=FLEET_SUBSCRIPTIONS, groups=1, clusters=FLEET_CLUSTERS,
                    extensions_per_cluster=0, extension_types=['microsoft.flux'])
        subscriptions = emulator.admin.seed_clusters(**dict(spec, prefix='filej'))['subscriptions']
        emulator.admin.seed_clusters(**dict(spec, prefix='blobj'))
        container = 'journals'
        created = cli.run('storage', 'container', 'create', '-n', container, '--blob-endpoint',
                          azurite.account_url(), '--auth-mode', 'login')
        if created.returncode != 0:
            raise SystemExit('bench: the journal container could not be created:\n' + created.stderr)
        print(f'seeded: 2 x {FLEET_CLUSTERS} clusters in {FLEET_SUBSCRIPTIONS} subscriptions; rolling out ...',
              flush=True)
        journal = home / 'fleet-file.jsonl'
        file_run = _fleet_rollout(cli, emulator, subscriptions, 'filej-rg-0', journal, soak=soak)
        records = [json.loads(line) for line in journal.read_text(encoding='utf-8').splitlines()]
        file_run.update(cluster_s=_cluster_seconds(records), journal_records=len(records))
        blob_url = f'{azurite.account_url()}/{container}/fleet.jsonl'
        blob_run = _fleet_rollout(cli, emulator, subscriptions, 'blobj-rg-0', blob_url, soak=soak)
    ideal, bound, waves, bucket = fleet_ideal(FLEET_CLUSTERS, FLEET_SUBSCRIPTIONS, FLEET_PARALLEL,
                                              operation_s=OP_SECONDS, soak_s=soak)
    for run in (file_run, blob_run):
        run['ratio'] = round(run['wall_s'] / ideal, 2)
    return {'clusters': FLEET_CLUSTERS, 'subscriptions': FLEET_SUBSCRIPTIONS, 'max_parallel': FLEET_PARALLEL,
            'operation_s': OP_SECONDS, 'soak_s': soak, 'ideal_s': round(ideal, 1), 'ideal_set_by': bound,
            'ideal_waves_s': round(waves, 1), 'ideal_write_bucket_s': round(bucket, 1),
            'file': file_run, 'blob': blob_run,
            'blob_vs_file': round(blob_run['wall_s'] / file_run['wall_s'], 2)}


def render(seeded):
    inv, roll = seeded.get('inventory'), seeded.get('rollout')
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
    ] if inv and roll else []
    return '\n'.join(markdown_table(rows + fleet_rows(seeded.get('fleet'))))


def fleet_rows(fleet):
    if not fleet:
        return []
    file_run, blob_run = fleet['file'], fleet['blob']
    soak = f", soak {fleet['soak_s']:g} s" if fleet['soak_s'] else ''

    def figures(run):
        return (f"{run['wall_s']:.0f} s vs ideal {fleet['ideal_s']:.0f} s = {run['ratio']:.2f}x; peak "
                f"{run['peak_rss_mib']:.0f} MiB; {run['requests_per_cluster']:.1f} requests/cluster; "
                f"{run['throttled_by_arm']} 429s absorbed; {run['converged']:,} of {run['clusters']:,} converged")

    def sound(run):
        return run['converged'] == run['clusters'] == fleet['clusters'] and run['duplicate_writes'] == 0
    return [
        (f"Rollout to {fleet['clusters']:,} clusters in {fleet['subscriptions']} subscriptions, "
         f"{fleet['operation_s']:g} s operations{soak}, --max-parallel {fleet['max_parallel']}, throttling on, "
         "file journal", figures(file_run), f"<= {TARGETS['fleet_ratio']}x ideal",
         mark(file_run['ratio'] <= TARGETS['fleet_ratio'] and sound(file_run))),
        ('The same rollout with its journal in Azure Blob Storage (Azurite)',
         f"{figures(blob_run)}; {fleet['blob_vs_file']:.2f}x the file journal's time",
         "within 10% of the file journal's time",
         mark(fleet['blob_vs_file'] <= TARGETS['blob_vs_file'] and sound(blob_run))),
    ]


def main():
    options = script_options(__doc__, runs=(int, 3), soak=(float, 0.0), part=(str, 'all'))
    options.wheel = str(Path(options.wheel).resolve())
    home = fresh_folder(ROOT / '.bench-many')
    results_path = ROOT / 'bench' / 'results.json'
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    entry = results.get('many_clusters') or {}
    started = time.perf_counter()
    if options.part in ('all', 'classic'):
        with EmulatorProcess(home / 'emulator', op_seconds=OP_SECONDS) as emulator:
            cli = AzCli.with_aksext(emulator, home, options.wheel)
            seeded = emulator.admin.seed_clusters(subscriptions=3, groups=4, clusters=2000, extensions_per_cluster=5)
            print(f"seeded: {seeded['clusters']} clusters, {seeded['extensions']} extensions; measuring ...",
                  flush=True)
            entry['inventory'] = bench_inventory(cli, emulator, seeded['subscriptions'], options.runs)
            emulator.admin.seed_clusters(**dict(CLEAN, subscriptions=3, groups=1, clusters=1000, prefix='roll',
                                                extensions_per_cluster=1, extension_types=['microsoft.flux']))
            entry['rollout'] = bench_rollout(cli, emulator, seeded['subscriptions'], home)
    if options.part in ('all', 'fleet'):
        problem = azurite_harness.missing()
        if problem:
            raise SystemExit(f'bench: the fleet rollout needs Azurite for its blob journal: {problem}')
        entry['fleet'] = bench_fleet(options.wheel, home, options.soak)
    entry['machine'] = f'{os.cpu_count()} cores, Python {sys.version.split()[0]}'
    table = render(entry)
    entry['targets_met'] = 'MISSED' not in table
    results['many_clusters'] = entry
    results_path.write_text(json.dumps(results, indent=2) + '\n')
    print(table)
    print(f'bench: many-cluster part took {time.perf_counter() - started:.0f} s', flush=True)
    refresh_readme(table, 'bench-many')
    if not entry['targets_met']:
        raise SystemExit('bench: a many-cluster target was missed (see above)')


if __name__ == '__main__':
    main()
