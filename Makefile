# Two commands on a fresh Debian/Ubuntu machine:
#   make demo   install what is missing, then build seeds/ into out/
#   make test   install what is missing, then run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# flite, festival + festvox voices: the default cast's voices (ranked in voices/default.toml by bench/voices.py);
# espeak-ng: the portable fallback cast (pyttsx3 drives libespeak-ng); ffmpeg: decoding, encoding, measuring.
FESTIVAL_VOICES := /usr/share/festival/voices/us/cmu_us_slt_arctic_hts:festvox-us-slt-hts \
                   /usr/share/festival/voices/english/kal_diphone:festvox-kallpc16k
# gpodder provides `gpo`, the real podcast client the feed test subscribes with; chromium and chromium-driver are
# the real browser the web page's tests drive (selenium talks to chromedriver).

.PHONY: demo test golden bench setup setup-test system system-test system-bench bytecode clean

demo: setup
	$(BIN)/audiocast build seeds/

test: setup-test
	$(BIN)/python -m pytest -q

# Regenerate tests/golden/ (the seeds built with the fake engine) after a deliberate change; review with git diff.
golden: setup-test
	AUDIOCAST_GOLDEN_UPDATE=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_golden.py

bench: setup-test system-bench
	$(BIN)/python bench/build.py
	$(BIN)/python bench/edition.py
	$(BIN)/python bench/voices.py
	$(BIN)/python bench/quotes.py
	$(BIN)/python bench/html.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/cpu.py

setup: system $(VENV)/.installed bytecode
setup-test: system system-test $(VENV)/.installed-test bytecode

# Byte-compile the package, as a regular (non-editable) pip install does: where PYTHONDONTWRITEBYTECODE is
# set, Python would otherwise recompile audiocast's modules on every run (~0.06 s of each build's start-up).
bytecode: | $(VENV)/bin/python
	@$(BIN)/python -m compileall -q audiocast

system:
	@sh .ci/apt-install.sh "espeak-ng:espeak-ng ffmpeg:ffmpeg ffprobe:ffmpeg flite:flite festival:festival stdbuf:coreutils $(FESTIVAL_VOICES)"
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || sh .ci/apt-install.sh "__force__:python3-venv"

system-test:
	@sh .ci/apt-install.sh "gpo:gpodder chromium:chromium chromedriver:chromium-driver mount:mount umount:mount"

# bench/scale.py and bench/cpu.py unpack the previous version with git archive | tar; cpu.py times every
# program under /usr/bin/time.
system-bench:
	@sh .ci/apt-install.sh "git:git tar:tar /usr/bin/time:time"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e '.[test,piper]'
	@touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) out/*.mp3 out/*.vtt out/*.srt out/*.json out/*.xml out/*.html out/*.jpg out/*.png out/.audiocast
