"""Input data: table schemas, validation, instance loading and inventory import."""
