# Convenience targets; packaging/Makefile does the work.
package:
	$(MAKE) -C packaging package

test:
	cargo test --locked --all-features

.PHONY: package test
