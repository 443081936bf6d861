"""`make lint`: the Azure CLI's own checks, offline: `azdev style` (pylint and flake8 with the azure-cli-extensions
configuration in ./pylintrc and ./.flake8) and `azdev linter` (command, parameter and help rules, with the
exclusions in ./linter_exclusions.yml); then flake8 and pylint, with the same two configurations, over the folders
in CHECKED_FOLDERS (the emulator, the scripts, the benchmarks). Any finding fails it.

azdev expects an azure-cli checkout and an extensions repository laid out as `src/<name>/`. Neither is needed
for these checks, so this script lays out the least azdev reads, in a temporary folder (pylint names modules
wrongly when the layout sits inside this repository), pointing back at this repository:
- an azdev config naming the two repositories (AZDEV_CONFIG_DIR), so no `azdev setup` (which needs GitHub);
- a stand-in azure-cli repository holding only the `scripts/ci/cmdcov.yml` azdev reads at import;
- `src/aksext/` with a copy of the package, links to setup.py and linter_exclusions.yml, and an egg-info folder,
  which is how azdev finds an extension and where it reads the exclusions; az loads the extension from it as a
  dev source.
"""
import configparser
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXTENSION = 'aksext'
# The rule types azdev can check offline; the others download their configuration.
LINTER_RULE_TYPES = ['command_groups', 'commands', 'params', 'help_entries']
# The keys azdev's import reads from the azure-cli repository's cmdcov.yml.
CMDCOV_KEYS = ['CMD_PATTERN', 'QUO_PATTERN', 'END_PATTERN', 'DOCS_END_PATTERN', 'NOT_END_PATTERN',
               'NUMBER_SIGN_PATTERN']
# The folders besides the extension that flake8 and pylint check here, with the extension's configurations.
CHECKED_FOLDERS = ['arm_emulator', 'scripts', 'bench', 'tests']
# What pytest's own idioms trip in tests: a fixture is requested by naming it as a parameter, so it shadows the
# fixture function (redefined-outer-name) and, when only its effect is wanted (a cleared request log), goes unused;
# and `assert found == []` is how a test shows what was found when it fails, where `assert not found` shows nothing.
PYTEST_IDIOMS = {'tests': ('redefined-outer-name', 'unused-argument', 'use-implicit-booleaness-not-comparison')}


def _link(link, target):
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target)


def lay_out(work):
    """Lay out what azdev reads in the folder `work`; return the environment azdev and az run with."""
    cli_repo, ext_repo = work / 'azure-cli', work / 'extensions'
    source = ext_repo / 'src' / EXTENSION
    for folder in (work / 'azdev', cli_repo / 'scripts' / 'ci', source / (EXTENSION + '.egg-info')):
        folder.mkdir(parents=True, exist_ok=True)
    (cli_repo / 'scripts' / 'ci' / 'cmdcov.yml').write_text(yaml.safe_dump({key: '' for key in CMDCOV_KEYS}))
    (work / 'azdev' / 'config').write_text(
        f'[cli]\nrepo_path = {cli_repo}\n\n[ext]\nrepo_paths = {ext_repo}\n')
    for name in ('pylintrc', '.flake8'):
        _link(ext_repo / name, ROOT / name)
    # A copy of the package, not a link: flake8 does not walk into a linked folder, and would check nothing.
    shutil.copytree(ROOT / 'azext_aksext', source / 'azext_aksext', ignore=shutil.ignore_patterns('__pycache__'))
    for name in ('setup.py', 'linter_exclusions.yml'):
        _link(source / name, ROOT / name)
    venv = Path(sys.executable).parent.parent
    return dict(os.environ, VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
                AZDEV_CONFIG_DIR=str(work / 'azdev'), AZURE_CONFIG_DIR=str(work / 'azure'),
                AZURE_EXTENSION_DEV_SOURCES=str(ext_repo), AZURE_EXTENSION_USE_DYNAMIC_INSTALL='no',
                AZURE_CORE_COLLECT_TELEMETRY='false', AZURE_CORE_NO_COLOR='true')


def check_exclusions(env):
    """Every exclusion in linter_exclusions.yml names a command and parameter aksext has, so none goes stale."""
    exclusions = yaml.safe_load((ROOT / 'linter_exclusions.yml').read_text()) or {}
    if not exclusions:
        return []
    probe = ("import json, sys\n"
             "from azure.cli.core import get_default_cli\n"
             "from azure.cli.core.file_util import create_invoker_and_load_cmds_and_args\n"
             "cli = get_default_cli(); create_invoker_and_load_cmds_and_args(cli)\n"
             "table = cli.invocation.commands_loader.command_table\n"
             "json.dump({name: sorted(command.arguments) for name, command in table.items()}, sys.stdout)\n")
    done = subprocess.run([sys.executable, '-c', probe], env=env, capture_output=True, text=True, check=True)
    table = json.loads(done.stdout)
    stale = []
    for command, entry in exclusions.items():
        if command not in table:
            stale.append(f'{command}: no such command')
            continue
        for parameter in (entry or {}).get('parameters', {}):
            if parameter not in table[command]:
                stale.append(f'{command}: no parameter {parameter}')
    return stale


def folder_checks(folders):
    """The flake8 and pylint commands for ``folders``, with ./.flake8 and ./pylintrc. Both configurations leave out
    the azure-cli-extensions repository's own scripts and tests folders by name (flake8 even when named on its command
    line, pylint silently): the commands keep those exclusions, less the folders they are asked to check."""
    flake8 = configparser.ConfigParser()
    flake8.read(ROOT / '.flake8')
    excluded = [name.strip() for name in flake8['flake8']['exclude'].split() if name.strip() not in folders]
    pylintrc = configparser.ConfigParser()
    pylintrc.read(ROOT / 'pylintrc')
    ignored = [name.strip() for name in pylintrc['MASTER']['ignore'].split(',') if name.strip() not in folders]
    pylint = ['pylint', '--rcfile', 'pylintrc', '--ignore', ','.join(ignored)]
    plain = [folder for folder in folders if folder not in PYTEST_IDIOMS]
    return [['flake8', '--config', '.flake8', '--exclude', ','.join(excluded)] + folders, pylint + plain] + [
        pylint + ['--disable', ','.join(PYTEST_IDIOMS[folder]), folder] for folder in folders
        if folder in PYTEST_IDIOMS]


def main():
    azdev = str(Path(sys.executable).with_name('azdev'))
    with tempfile.TemporaryDirectory(prefix='aksext-lint-') as work:
        env = lay_out(Path(work))
        failed = False
        for args in (['style', EXTENSION], ['linter', EXTENSION, '--min-severity', 'low', '-t'] + LINTER_RULE_TYPES):
            print('$ azdev ' + ' '.join(args), flush=True)
            failed |= subprocess.run([azdev] + args, env=env, cwd=work, check=False).returncode != 0
        stale = check_exclusions(env)
    for args in folder_checks(CHECKED_FOLDERS):
        print('$ ' + ' '.join(args), flush=True)
        failed |= subprocess.run([sys.executable, '-m'] + args, cwd=ROOT, check=False).returncode != 0
    for line in stale:
        print('linter_exclusions.yml: ' + line)
    return 1 if failed or stale else 0


if __name__ == '__main__':
    sys.exit(main())
