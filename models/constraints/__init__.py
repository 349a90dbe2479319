"""One module per constraint family, each builder named after the constraint it defines."""
