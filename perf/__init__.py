"""Measuring tools, kept out of the runtime package `unitload`: the bench (`unitload bench`), the
browser load run (`unitload load`, needs Playwright and Debian's Chromium), the independent pandas
reference implementation both the bench and the tests compare the named queries with, and the
loopback server helpers the load run and the browser tests share. Nothing in `unitload` imports
this package except those two commands, when they run."""
