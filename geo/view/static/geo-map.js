/* The map's own layers over Leaflet (and Leaflet.markercluster when present).
 *
 * geo/view/mapview.py writes, per map, only calls of these functions with their data
 * (JSON through its `script_json` filter); this file holds no data and is served by the
 * app (geo/view/assets.py copies it into static/vendor/geo/), or inlined in the
 * standalone HTML export. Loaded before the map's own script.
 */
(function () {
    "use strict";

    /* Country outlines fetched from the app, drawn under the tiles. The outline's pane
     * sits below the tile pane, so loaded tiles hide it; when tiles cannot load
     * (offline), it shows on the plain background. A failed fetch only logs.
     * countries(map) gives a promise of the outlines by country code (ISO 3166-1
     * alpha-2), or of null without them: the layers drawing whole countries use it. */
    function outline(map, url, style) {
        var pane = map.createPane("geoOutline");
        pane.style.zIndex = 150;
        pane.style.pointerEvents = "none";
        map._geoCountries = fetch(url)
            .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
            .then(function (geojson) {
                L.geoJSON(geojson, {
                    pane: "geoOutline",
                    interactive: false,
                    attribution: "Outlines: Natural Earth",
                    style: style
                }).addTo(map);
                var byCode = {};
                geojson.features.forEach(function (f) {
                    var code = f.properties && f.properties.iso2;
                    if (code) { byCode[code] = f; }
                });
                return byCode;
            })
            .catch(function (e) { console.warn("country outline not loaded", e); return null; });
    }

    function countries(map) {
        return map._geoCountries || Promise.resolve(null);
    }

    /* The legend, bottom right: `html` is built from escaped text only (mapview.py). It
     * holds a section per map mode; setMode shows the current one. Folded at first
     * where, open, it would cover more than a tenth of the map; the reader folds and
     * unfolds it with its summary. */
    var LEGEND_MAX_SHARE = 0.1;

    function legend(map, html) {
        var control = L.control({position: "bottomright"});
        control.onAdd = function () {
            var div = L.DomUtil.create("div", "geo-legend");
            div.innerHTML = html;
            div.setAttribute("data-mode", map._geoMode || "points");
            div.setAttribute("data-size", map._geoSize || "events");
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            map._geoLegend = div;
            return div;
        };
        control.addTo(map);
        fold(map);
    }

    function fold(map) {
        var div = map._geoLegend, details = div && div.querySelector("details");
        var size = map.getSize();
        if (!details || !size.x || !size.y) { return; }
        if (div.offsetWidth * div.offsetHeight > LEGEND_MAX_SHARE * size.x * size.y) {
            details.open = false;
        }
    }

    /* Which layer the map shows ("points", "heat" or "provinces", and what points are
     * sized by): the legend shows its section. */
    function setMode(map, mode, sizeBy) {
        map._geoMode = mode;
        map._geoSize = sizeBy || "events";
        var div = map._geoLegend;
        if (div) {
            div.setAttribute("data-mode", mode);
            div.setAttribute("data-size", map._geoSize);
        }
    }

    /* Town names from the gazetteer: [[latitude, longitude, name, min zoom], ...], the
     * most populous first. At each view, the names in view whose zoom has come are
     * drawn in that order, skipping any whose box would overlap one drawn, at most
     * MAX_LABELS of them. Names are text (textContent), never markup. Hidden while a
     * labelled basemap (any but satellite imagery) has loaded tiles: it names places
     * itself. */
    var MAX_LABELS = 60;

    function tilesNamePlaces(map) {
        var named = false;
        map.eachLayer(function (layer) {
            if (layer instanceof L.TileLayer && layer._geoTileLoaded &&
                    !/World_Imagery/.test(layer._url || "")) {
                named = true;
            }
        });
        return named;
    }

    function labels(map, items) {
        if (!map.getPane("geoLabels")) {
            var pane = map.createPane("geoLabels");
            pane.style.zIndex = 395;  // over areas, under the points
            pane.style.pointerEvents = "none";
        }
        var layer = L.layerGroup().addTo(map);
        function draw() {
            layer.clearLayers();
            if (tilesNamePlaces(map)) { return; }
            var zoom = map.getZoom(), view = map.getBounds().pad(0.05), taken = [];
            for (var i = 0; i < items.length && taken.length < MAX_LABELS; i++) {
                var item = items[i];
                if (item[3] > zoom) { continue; }
                var ll = L.latLng(item[0], item[1]);
                if (!view.contains(ll)) { continue; }
                var p = map.latLngToContainerPoint(ll), name = String(item[2]);
                var w = 7 * name.length + 10, box = [p.x - 4, p.y - 8, p.x + w, p.y + 8];
                var free = taken.every(function (b) {
                    return box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3];
                });
                if (!free) { continue; }
                taken.push(box);
                var el = document.createElement("div");
                var dot = document.createElement("i");
                var text = document.createElement("span");
                text.textContent = name;
                el.appendChild(dot);
                el.appendChild(text);
                layer.addLayer(L.marker(ll, {
                    pane: "geoLabels", interactive: false, keyboard: false,
                    icon: L.divIcon({html: el, className: "geo-label", iconSize: null,
                        iconAnchor: [3, 8]})
                }));
            }
        }
        function watch(tiles) {
            if (!(tiles instanceof L.TileLayer)) { return; }
            tiles.once("tileload", function () { tiles._geoTileLoaded = true; draw(); });
        }
        map.eachLayer(watch);
        map.on("layeradd", function (e) { watch(e.layer); });
        map.on("baselayerchange", draw);
        map.on("zoomend moveend", draw);
        draw();
    }

    /* Leaflet focuses the map on the first mouse down (for its keyboard controls). Inside
     * st_folium's iframe that focus scrolls the page when the map is partly out of view,
     * between mouse down and up, so the first click on a point is lost. Focus it without
     * scrolling instead; the keyboard controls stay. */
    function focusWithoutScrolling(map) {
        var keyboard = map.keyboard;
        if (!keyboard || !keyboard.enabled()) { return; }
        keyboard.disable();
        keyboard._onMouseDown = function () {
            if (!this._focused) { this._map._container.focus({preventScroll: true}); }
        };
        keyboard.enable();
    }

    /* Each tile layer's attribution is shown only after one of its tiles loaded (its
     * 'tileload' event): without tiles (offline) nobody's map is shown, so nobody is
     * credited for one. Covers the layers shown later from the layer control too. */
    function honestAttribution(map) {
        var control = map.attributionControl;
        if (!control) { return; }
        function hold(layer) {
            if (!(layer instanceof L.TileLayer)) { return; }
            if (!layer._geoCredit) {
                var credit = layer.options.attribution;
                if (!credit) { return; }
                layer._geoCredit = {text: credit, loaded: false};
                layer.getAttribution = function () {
                    return this._geoCredit.loaded ? this._geoCredit.text : null;
                };
                layer.on("tileload", function () {
                    if (this._geoCredit.loaded) { return; }
                    this._geoCredit.loaded = true;
                    if (map.hasLayer(this)) { control.addAttribution(this._geoCredit.text); }
                });
            }
            if (!layer._geoCredit.loaded) { control.removeAttribution(layer._geoCredit.text); }
        }
        map.eachLayer(hold);
        map.on("layeradd", function (e) { hold(e.layer); });  // after the control's own
    }

    function clusterIcon(cluster) {
        var n = 0;
        cluster.getAllChildMarkers().forEach(function (m) { n += m.options.count || 1; });
        var size = n < 10 ? "small" : (n < 100 ? "medium" : (n < 1000 ? "large" : "huge"));
        var px = {small: 30, medium: 36, large: 42, huge: 48}[size];
        return L.divIcon({
            html: "<div><span>" + n + "</span></div>",
            className: "geo-cluster geo-cluster-" + size,
            iconSize: L.point(px, px)
        });
    }

    /* Clusters gather more at small zooms (a country holds a few, not a wall of them). */
    function clusterRadius(zoom) {
        return zoom <= 5 ? 80 : (zoom <= 8 ? 60 : 40);
    }

    var REGION_RADIUS = 13;  // pixels: the symbol of a place known only as a region
    var POPUP_OPTIONS = {maxWidth: 360, minWidth: 220};
    var POPUP_WAIT_MS = 60000, POPUP_POLL_MS = 50;

    /* The popup the app wrote for the point at `ll`, in the page around the map's
     * frame (mapview.popup_source: an element with data-geo-popup, data-lat, data-lon,
     * made when the click reran the app); null while there is none, or outside the app
     * (the standalone export carries its popups in the data). */
    function writtenPopup(ll) {
        var nodes;
        try {
            if (window.parent === window) { return null; }
            nodes = window.parent.document.querySelectorAll("[data-geo-popup]");
        } catch (e) { return null; }  // not the app's page
        for (var i = 0; i < nodes.length; i++) {
            var d = nodes[i].dataset;
            if (Math.abs(+d.lat - ll.lat) < 1e-6 && Math.abs(+d.lon - ll.lng) < 1e-6) {
                return d.geoPopup;
            }
        }
        return null;
    }

    /* A point without its popup in the data (the dashboard's: the popups of thousands
     * of points were most of the bytes of every rerun): a click reruns the app, which
     * writes this point's popup beside the map; open it when it is there. A newer
     * click, or the map's frame gone, ends the wait. */
    function popupOnClick(map, ll) {
        var asked = map._geoPopupAsked = {};
        var until = Date.now() + POPUP_WAIT_MS;
        (function look() {
            if (map._geoPopupAsked !== asked) { return; }
            var content = writtenPopup(ll);
            if (content) {
                L.popup(POPUP_OPTIONS).setLatLng(ll).setContent(content).openOn(map);
            } else if (Date.now() < until) {
                setTimeout(look, POPUP_POLL_MS);
            }
        })();
    }

    /* The events (a FeatureCollection from mapview.map_features) into `group`: clustered
     * points coloured by type (sized by their events or, with options.sizeBy "deaths",
     * by the deaths reported there); a place known only as a country shades that
     * country (its outline from the app), or, without outlines, a dashed symbol; a
     * region (admin1) a dashed symbol of constant size; faint circles of uncertainty
     * from options.ringMinZoom, while at most options.ringLimit are in view. Clicking
     * a point or an area reports its own centre, so the app can look its events up. */
    function events(group, map, collection, options) {
        var sizeBy = options.sizeBy || "events";
        setMode(map, "points", sizeBy);
        var clusters = (typeof L.markerClusterGroup === "function")
            ? L.markerClusterGroup({
                chunkedLoading: true,
                showCoverageOnHover: false,
                maxClusterRadius: clusterRadius,
                iconCreateFunction: clusterIcon
            })
            : L.featureGroup();
        if (!map.getPane("geoAreas")) { map.createPane("geoAreas").style.zIndex = 390; }
        if (!map.getPane("geoRings")) {
            var ringPane = map.createPane("geoRings");
            ringPane.style.zIndex = 380;
            ringPane.style.pointerEvents = "none";  // under the points, never in the way
        }
        var areas = L.featureGroup(), rings = L.featureGroup(), points = [], ringSpecs = [];
        var countryAreas = [];
        var ringRenderer = L.canvas({padding: 0.3, pane: "geoRings"});
        function bind(layer, p, ll) {
            layer.on("click", function (e) { e.latlng = ll; });
            if (p.tooltip) { layer.bindTooltip(p.tooltip, {direction: "top", sticky: true}); }
            if (p.popup) { layer.bindPopup(p.popup, POPUP_OPTIONS); }
            else { layer.on("click", function () { popupOnClick(map, ll); }); }
        }
        function regionSymbol(ll, p) {
            var symbol = L.circleMarker(ll, {
                radius: REGION_RADIUS, pane: "geoAreas", color: p.color, weight: 2,
                dashArray: "4 3", fillColor: p.color, fillOpacity: 0.18,
                className: "geo-area"
            });
            bind(symbol, p, ll);
            areas.addLayer(symbol);
        }
        collection.features.forEach(function (f) {
            var p = f.properties, c = f.geometry.coordinates, ll = L.latLng(c[1], c[0]);
            if (p.area) {
                if (p.precision === "country" && p.country) {
                    countryAreas.push([ll, p]);
                } else {
                    regionSymbol(ll, p);
                }
                return;
            }
            var radius = sizeBy === "deaths" ? p.style.deaths_radius : p.style.radius;
            var marker = L.circleMarker(ll, {
                radius: radius, color: "#2b2b2b", weight: 1, fillColor: p.color,
                fillOpacity: 0.9, count: p.count, dashArray: p.approximate ? "3" : null,
                className: "geo-point"
            });
            bind(marker, p, ll);
            points.push(marker);
            if (p.uncertainty_m > 0) { ringSpecs.push([ll, p]); }
        });
        if (countryAreas.length) {
            countries(map).then(function (byCode) {
                countryAreas.forEach(function (item) {
                    var ll = item[0], p = item[1], shape = byCode && byCode[p.country];
                    if (!shape) { regionSymbol(ll, p); return; }
                    var area = L.geoJSON(shape, {
                        pane: "geoAreas",
                        style: {color: p.color, weight: 1.5, dashArray: "6 4",
                            fillColor: p.color, fillOpacity: 0.12, className: "geo-area"}
                    });
                    bind(area, p, ll);
                    areas.addLayer(area);
                });
            });
        }
        if (clusters.addLayers) { clusters.addLayers(points); }
        else { points.forEach(function (m) { clusters.addLayer(m); }); }
        group.addLayer(areas);
        group.addLayer(clusters);
        function showRings() {
            if (!group._map) { return; }
            rings.clearLayers();
            if (map.getZoom() < options.ringMinZoom) { return; }
            var view = map.getBounds().pad(0.2);
            var inView = ringSpecs.filter(function (r) { return view.contains(r[0]); });
            if (inView.length > (options.ringLimit || Infinity)) { return; }
            inView.forEach(function (r) {
                rings.addLayer(L.circle(r[0], {
                    radius: r[1].uncertainty_m, renderer: ringRenderer, pane: "geoRings",
                    color: r[1].color, weight: 1, dashArray: "3 3", fillOpacity: 0.06,
                    interactive: false
                }));
            });
            if (!group.hasLayer(rings)) { group.addLayer(rings); }
        }
        map.on("moveend", showRings);
        group.on("add", showRings);
        group.on("remove", function () { map.off("moveend", showRings); });
        showRings();
    }

    /* Counts per region and country (mapview.province_counts): countries shaded by
     * their class of events, over the app's outlines (none: no shading, the regions
     * alone); a circle with the count at each region's centre, its area growing with
     * the count. */
    function provinces(group, map, data) {
        setMode(map, "provinces");
        if (!map.getPane("geoAreas")) { map.createPane("geoAreas").style.zIndex = 390; }
        var shades = L.featureGroup(), symbols = L.featureGroup();
        group.addLayer(shades);
        group.addLayer(symbols);
        countries(map).then(function (byCode) {
            if (!byCode) { return; }
            Object.keys(data.countries).forEach(function (code) {
                var shape = byCode[code], entry = data.countries[code];
                if (!shape) { return; }
                var layer = L.geoJSON(shape, {
                    pane: "geoAreas",
                    style: {color: "#6b2f1a", weight: 1, fillColor: data.colors[entry[1]],
                        fillOpacity: 0.45, className: "geo-choropleth"}
                });
                var tip = document.createElement("span");
                tip.textContent = (shape.properties.name || code) + ": " + entry[0] +
                    (entry[0] === 1 ? " event" : " events");
                layer.bindTooltip(tip, {sticky: true});
                shades.addLayer(layer);
            });
        });
        var max = 1;
        data.provinces.forEach(function (r) { max = Math.max(max, r[4]); });
        var circles = data.provinces.map(function (r) {
            var ll = L.latLng(r[0], r[1]);
            var symbol = L.circleMarker(ll, {
                radius: 7, color: "#ffffff", weight: 1.5, fillColor: data.provinceColor,
                fillOpacity: 0.7, className: "geo-province"
            });
            var tip = document.createElement("span");
            tip.textContent = r[2] + (r[3] ? " (" + r[3] + ")" : "") + ": " + r[4] +
                (r[4] === 1 ? " event" : " events");
            symbol.bindTooltip(tip, {direction: "top", sticky: true});
            symbols.addLayer(symbol);
            return [symbol, r];
        });
        var counts = L.layerGroup();
        group.addLayer(counts);
        /* Sizes follow the zoom (regions are close together in a country view), and a
         * count is written in its circle where it fits and overlaps no other. */
        function resize() {
            if (!group._map) { return; }
            var zoom = map.getZoom();
            var scale = Math.max(0.35, Math.min(1, 0.35 + 0.15 * (zoom - 3)));
            var taken = [];
            counts.clearLayers();
            circles.forEach(function (item) {
                var r = item[1], radius = scale * (6 + 22 * Math.sqrt(r[4] / max));
                item[0].setRadius(radius);
                var text = String(r[4]), w = 7 * text.length;
                if (radius < 8 || w > 2 * radius) { return; }
                var p = map.latLngToContainerPoint(item[0].getLatLng());
                var box = [p.x - radius, p.y - radius, p.x + radius, p.y + radius];
                var free = taken.every(function (b) {
                    return box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3];
                });
                if (!free) { return; }
                taken.push(box);
                var count = document.createElement("span");
                count.textContent = text;
                counts.addLayer(L.marker(item[0].getLatLng(), {
                    interactive: false, keyboard: false,
                    icon: L.divIcon({html: count, className: "geo-province-count",
                        iconSize: [40, 14], iconAnchor: [20, 7]})
                }));
            });
        }
        map.on("zoomend", resize);
        group.on("remove", function () { map.off("zoomend", resize); });
        resize();
    }

    /* A density layer: a blurred stamp per point, weighted by its events, coloured
     * through a gradient (so no third-party heat plugin is needed). */
    var HeatLayer = L.Layer.extend({
        initialize: function (points, options) {
            this._points = points;
            L.setOptions(this, options);
        },
        onAdd: function (map) {
            this._map = map;
            setMode(map, "heat");
            this._canvas = L.DomUtil.create("canvas", "geo-heat leaflet-zoom-hide");
            this._canvas.style.position = "absolute";
            this._canvas.style.pointerEvents = "none";
            map.getPanes().overlayPane.appendChild(this._canvas);
            map.on("moveend zoomend resize", this._draw, this);
            this._draw();
        },
        onRemove: function (map) {
            L.DomUtil.remove(this._canvas);
            map.off("moveend zoomend resize", this._draw, this);
        },
        _stamp: function (r) {
            var c = document.createElement("canvas");
            c.width = c.height = 2 * r;
            var ctx = c.getContext("2d");
            var g = ctx.createRadialGradient(r, r, 0, r, r, r);
            g.addColorStop(0, "rgba(0,0,0,1)");
            g.addColorStop(1, "rgba(0,0,0,0)");
            ctx.fillStyle = g;
            ctx.fillRect(0, 0, 2 * r, 2 * r);
            return c;
        },
        _palette: function () {
            var c = document.createElement("canvas");
            c.width = 256; c.height = 1;
            var ctx = c.getContext("2d"), g = ctx.createLinearGradient(0, 0, 256, 0);
            var stops = this.options.gradient;
            for (var i = 0; i < stops.length; i++) {
                g.addColorStop(stops[i][0], stops[i][1]);
            }
            ctx.fillStyle = g;
            ctx.fillRect(0, 0, 256, 1);
            return ctx.getImageData(0, 0, 256, 1).data;
        },
        _draw: function () {
            var map = this._map, size = map.getSize(), canvas = this._canvas;
            var r = this.options.radius;
            canvas.width = size.x; canvas.height = size.y;
            L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
            if (!size.x || !size.y) { return; }
            var ctx = canvas.getContext("2d");
            this._stampCanvas = this._stampCanvas || this._stamp(r);
            this._colors = this._colors || this._palette();
            var pts = this._points, max = this.options.max;
            for (var i = 0; i < pts.length; i++) {
                var p = map.latLngToContainerPoint([pts[i][0], pts[i][1]]);
                if (p.x < -r || p.y < -r || p.x > size.x + r || p.y > size.y + r) {
                    continue;
                }
                ctx.globalAlpha = Math.min(1, Math.max(0.1, pts[i][2] / max));
                ctx.drawImage(this._stampCanvas, p.x - r, p.y - r);
            }
            var img = ctx.getImageData(0, 0, size.x, size.y), px = img.data;
            var colors = this._colors;
            for (var j = 3; j < px.length; j += 4) {
                var a = px[j];
                if (a) {
                    var o = a * 4;
                    px[j - 3] = colors[o]; px[j - 2] = colors[o + 1];
                    px[j - 1] = colors[o + 2]; px[j] = Math.min(230, 60 + a);
                }
            }
            ctx.putImageData(img, 0, 0);
        }
    });
    /* new L.GeoHeat([[latitude, longitude, events], ...], {radius, max, gradient}) */
    L.GeoHeat = HeatLayer;

    window.GeoMap = {
        outline: outline,
        countries: countries,
        legend: legend,
        setMode: setMode,
        labels: labels,
        provinces: provinces,
        focusWithoutScrolling: focusWithoutScrolling,
        honestAttribution: honestAttribution,
        events: events
    };
}());
