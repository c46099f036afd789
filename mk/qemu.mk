.PHONY: test
test: check ## Run every suite: host unit tests and the QEMU boots

