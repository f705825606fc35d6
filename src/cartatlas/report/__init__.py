"""The report "CAR-T in <country A> vs <country B>": built from evidence and registries."""
