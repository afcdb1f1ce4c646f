# The two commands a fresh machine needs (each installs what it is missing):
#   make site   build the handbook from content/ into site/
#   make test   run every test
.PHONY: site test bench clean

site:
	scripts/build-site.sh

test:
	scripts/test.sh

clean:
	rm -rf .build site site-exam .site.previous .site-exam.previous test-output

bench:
	scripts/ensure-deps.sh build
	scripts/bench.py
