# Debian packages.  `deps-check` is a prerequisite of run/test: it installs
# only when a tool is missing.
.PHONY: deps deps-check

deps: ## Install every Debian package Sprig needs (apt-get, via sudo if not root)
	sh scripts/deps.sh

deps-check:
	@sh scripts/deps.sh --if-missing
