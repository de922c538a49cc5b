from gapcheck.cli import cli

cli(prog_name="gapcheck")
