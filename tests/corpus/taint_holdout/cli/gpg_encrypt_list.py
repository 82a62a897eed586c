import subprocess

import click


@click.command()
@click.argument("infile", type=click.Path(exists=True, dir_okay=False))
@click.option("--recipient", required=True, help="key id of the receiving bank")
def encrypt(infile, recipient):
    """Encrypt a payment file for transfer to a correspondent bank."""
    subprocess.run(  # safe: 78
        [
            "gpg",
            "--batch",
            "--yes",
            "--encrypt",
            f"--recipient={recipient}",
            f"--output={infile}.gpg",
            "--",
            infile,
        ],
        check=True,
    )
    click.echo(f"wrote {infile}.gpg")


if __name__ == "__main__":
    encrypt()
