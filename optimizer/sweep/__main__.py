"""``python -m optimizer.sweep SPEC --out DIR``: the sweep command without the ``optimize`` CLI."""

from optimizer.sweep.cli import main

if __name__ == "__main__":
    main()
