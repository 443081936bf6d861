"""Run many az command lines in one process and report, for each, the exit code, the exception az handled (its
type and message), and what was written to stdout and stderr.

Starting az costs about a second a command; validation tests run dozens of command lines, so they go through
this runner: `python az_batch.py < commands.json > results.json`, with the environment of a logged-in AzCli.
"""
import io
import json
import sys


def run_one(args):
    from azure.cli.core import get_default_cli
    out, err = io.StringIO(), io.StringIO()
    real_stdout, real_stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    handled = {}
    from azure.cli.core.azclierror import AzCLIError
    original_print = AzCLIError.print_error

    def record(self):
        # Every typed az error, from argument parsing or from a command, is printed through here.
        handled.setdefault('type', type(self).__name__)
        handled.setdefault('message', self.error_msg)
        handled.setdefault('recommendations', list(self.recommendations or []))
        return original_print(self)

    AzCLIError.print_error = record
    try:
        cli = get_default_cli()
        try:
            code = cli.invoke(args, out_file=out)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        AzCLIError.print_error = original_print
        sys.stdout, sys.stderr = real_stdout, real_stderr
        import logging
        for handler in list(logging.getLogger().handlers):
            logging.getLogger().removeHandler(handler)
    return {'args': args, 'exit_code': code, 'error_type': handled.get('type'),
            'error_message': handled.get('message'), 'recommendations': handled.get('recommendations', []),
            'stdout': out.getvalue(), 'stderr': err.getvalue()}


def main():
    commands = json.load(sys.stdin)
    results = [run_one(args) for args in commands]
    json.dump(results, sys.stdout)


if __name__ == '__main__':
    main()
