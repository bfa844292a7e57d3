"""Entry point for `python -m pmgen`."""

from pmgen.cli import main

if __name__ == "__main__":
    main()
