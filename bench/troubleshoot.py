"""`make bench` (troubleshoot part): troubleshoot of an extension whose namespace has 200 pods with logs, against
the emulator's Kubernetes API: wall time and peak memory of az, with logs of two sizes, to show that memory does
not grow with them (each log is read streaming, at most its last 1,000 lines and 256 KiB).

Adds a "troubleshoot" entry to bench/results.json and refreshes the troubleshoot table in README.md. Figures are
medians; targets are checked here, never in the test suite.
"""
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'bench'))

# The imports below need the repository root on the path: this runs as `python bench/troubleshoot.py`.
# pylint: disable=wrong-import-position
from arm_emulator.harness.azcli import AzCli, fresh_folder, script_options  # noqa: E402
from arm_emulator.harness.control import EmulatorProcess  # noqa: E402
# bench/ is on sys.path (above); pylint takes the sibling script for a third-party module.
from run import PEAK_PROBE, mark, markdown_table, refresh_readme  # noqa: E402  pylint: disable=wrong-import-order
# pylint: enable=wrong-import-position

RG, CLUSTER, NAME, NAMESPACE, PODS = 'demo-rg', 'demo-aks', 'bench', 'bench-ns', 200
LOG_SIZES = {'small': 16 * 1024, 'large': 16 * 1024 * 1024}  # bytes of log per pod
TARGETS = {'wall_s': 15.0, 'peak_mib': 250.0, 'growth_mib': 30.0}


def measure(cli, runs):
    """(median wall seconds, median peak MiB, pods collected) of troubleshoot on the bench namespace."""
    walls, peaks, pods = [], [], None
    for _ in range(runs):
        probe = [sys.executable, '-c', PEAK_PROBE, cli.az, 'aks', 'extension', 'troubleshoot', '-g', RG, '-c',
                 CLUSTER, '-n', NAME, '--only-show-errors', '--query', 'checked[-1]', '-o', 'tsv']
        done = subprocess.run(probe, env=cli.env, capture_output=True, text=True, check=True)
        *checked, wall, peak_kib = done.stdout.split()
        pods = int(checked[checked.index('pods,') - 1]) if 'pods,' in checked else 0
        walls.append(float(wall))
        peaks.append(int(peak_kib) / 1024)
    if pods != PODS:
        raise SystemExit(f'bench: troubleshoot collected {pods} pods, expected {PODS}')
    return statistics.median(walls), statistics.median(peaks), pods


def main():
    options = script_options(__doc__, runs=(int, 3))
    home = fresh_folder(ROOT / '.bench-troubleshoot')
    figures = {}
    with EmulatorProcess(home / 'emulator', seed='demo', op_seconds=1.0) as emulator:
        cli = AzCli.with_aksext(emulator, home, options.wheel)
        cluster_id = (f"/subscriptions/{emulator.endpoint['subscription']}/resourceGroups/{RG}/providers/"
                      f"Microsoft.ContainerService/managedClusters/{CLUSTER}")
        key = emulator.admin.kubernetes_cause(cluster_id=cluster_id, name=NAME, extension_type='microsoft.flux',
                                              release_namespace=NAMESPACE, cause=None, pods=PODS)
        print(f'measuring troubleshoot of {PODS} pods (medians of {options.runs} runs) ...', flush=True)
        for label, size in LOG_SIZES.items():
            emulator.admin.kubernetes_cause(extension_id=key, cause=None, log_bytes=size)
            wall, peak, _ = measure(cli, options.runs)
            figures[label] = {'log_bytes_per_pod': size, 'wall_s': round(wall, 2), 'peak_rss_mib': round(peak, 1)}
    large, small = figures['large'], figures['small']
    growth = large['peak_rss_mib'] - small['peak_rss_mib']
    met = (large['wall_s'] < TARGETS['wall_s'] and large['peak_rss_mib'] < TARGETS['peak_mib']
           and growth < TARGETS['growth_mib'])
    results_path = ROOT / 'bench' / 'results.json'
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results['troubleshoot'] = dict(figures, pods=PODS, runs=options.runs, targets=TARGETS, targets_met=met,
                                   machine=f'{os.cpu_count()} cores, Python {sys.version.split()[0]}')
    results_path.write_text(json.dumps(results, indent=2) + '\n')
    table = render(results['troubleshoot'], growth)
    print(table)
    refresh_readme(table, 'bench-troubleshoot')
    if not met:
        raise SystemExit('bench: a troubleshoot target was missed (see above)')


def render(result, growth):
    small, large = result['small'], result['large']
    large_met = large['wall_s'] < TARGETS['wall_s'] and large['peak_rss_mib'] < TARGETS['peak_mib']
    rows = [
        (f"troubleshoot, {result['pods']} pods, {large['log_bytes_per_pod'] // (1024 * 1024)} MiB of log each",
         f"{large['wall_s']:.2f} s, peak {large['peak_rss_mib']:.0f} MiB",
         f"< {TARGETS['wall_s']:.0f} s, < {TARGETS['peak_mib']:.0f} MiB", mark(large_met)),
        (f"the same with {small['log_bytes_per_pod'] // 1024} KiB of log each: memory does not grow with the logs",
         f"{small['wall_s']:.2f} s, peak {small['peak_rss_mib']:.0f} MiB ({growth:+.0f} MiB for the large logs)",
         f"< {TARGETS['growth_mib']:.0f} MiB more", mark(growth < TARGETS['growth_mib'])),
    ]
    return '\n'.join(markdown_table(rows) + [f"\nMedians of {result['runs']} runs on {result['machine']}."])


if __name__ == '__main__':
    main()
