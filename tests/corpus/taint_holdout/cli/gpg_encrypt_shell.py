import subprocess

import click


@click.command()
@click.argument("infile", type=click.Path(exists=True, dir_okay=False))
@click.option("--recipient", required=True, help="key id of the receiving bank")
def encrypt(infile, recipient):
    """Encrypt a payment file for transfer to a correspondent bank."""
    subprocess.check_call(
        "gpg --batch --yes --encrypt -r %s --output %s.gpg %s" % (recipient, infile, infile),  # sink: 78
        shell=True,
    )
    click.echo(f"wrote {infile}.gpg")


if __name__ == "__main__":
    encrypt()
