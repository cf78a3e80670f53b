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
     * (offline), it shows on the plain background. A failed fetch only logs. */
    function outline(map, url, style) {
        var pane = map.createPane("geoOutline");
        pane.style.zIndex = 150;
        pane.style.pointerEvents = "none";
        fetch(url)
            .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
            .then(function (geojson) {
                L.geoJSON(geojson, {
                    pane: "geoOutline",
                    interactive: false,
                    attribution: "Outlines: Natural Earth",
                    style: style
                }).addTo(map);
            })
            .catch(function (e) { console.warn("country outline not loaded", e); });
    }

    /* The legend, bottom right: `html` is built from escaped text only (mapview.py). */
    function legend(map, html) {
        var control = L.control({position: "bottomright"});
        control.onAdd = function () {
            var div = L.DomUtil.create("div", "geo-legend");
            div.innerHTML = html;
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        control.addTo(map);
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
        var size = n < 10 ? "small" : (n < 100 ? "medium" : "large");
        return L.divIcon({
            html: "<div><span>" + n + "</span></div>",
            className: "geo-cluster geo-cluster-" + size,
            iconSize: L.point(38, 38)
        });
    }

    /* The events (a FeatureCollection from mapview.map_features) into `group`: clustered
     * points coloured by type, areas for country/region-level places, faint circles of
     * uncertainty from options.ringMinZoom. Clicking a point or an area reports its own
     * centre, so the app can look its events up. */
    function events(group, map, collection, options) {
        var clusters = (typeof L.markerClusterGroup === "function")
            ? L.markerClusterGroup({
                chunkedLoading: true,
                showCoverageOnHover: false,
                maxClusterRadius: 40,
                iconCreateFunction: clusterIcon
            })
            : L.featureGroup();
        if (!map.getPane("geoAreas")) { map.createPane("geoAreas").style.zIndex = 390; }
        if (!map.getPane("geoRings")) {
            var ringPane = map.createPane("geoRings");
            ringPane.style.zIndex = 380;
            ringPane.style.pointerEvents = "none";  // under the points, never in the way
        }
        var areas = L.featureGroup(), rings = L.featureGroup(), points = [];
        var ringRenderer = L.canvas({padding: 0.3, pane: "geoRings"});
        function bind(layer, p) {
            layer.on("click", function (e) { e.latlng = layer.getLatLng(); });
            if (p.tooltip) { layer.bindTooltip(p.tooltip, {direction: "top", sticky: true}); }
            if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 360, minWidth: 220}); }
        }
        collection.features.forEach(function (f) {
            var p = f.properties, c = f.geometry.coordinates, ll = L.latLng(c[1], c[0]);
            if (p.area) {
                var area = L.circle(ll, {
                    radius: p.uncertainty_m, pane: "geoAreas", color: p.color, weight: 1.5,
                    dashArray: "6 4", fillColor: p.color, fillOpacity: 0.08,
                    className: "geo-area"
                });
                bind(area, p);
                areas.addLayer(area);
                return;
            }
            var marker = L.circleMarker(ll, {
                radius: p.style.radius, color: "#2b2b2b", weight: 1, fillColor: p.color,
                fillOpacity: 0.9, count: p.count, dashArray: p.approximate ? "3" : null,
                className: "geo-point"
            });
            bind(marker, p);
            points.push(marker);
            if (p.uncertainty_m > 0) {
                rings.addLayer(L.circle(ll, {
                    radius: p.uncertainty_m, renderer: ringRenderer, pane: "geoRings",
                    color: p.color, weight: 1, dashArray: "3 3", fillOpacity: 0.06,
                    interactive: false
                }));
            }
        });
        if (clusters.addLayers) { clusters.addLayers(points); }
        else { points.forEach(function (m) { clusters.addLayer(m); }); }
        group.addLayer(areas);
        group.addLayer(clusters);
        function showRings() {
            if (!group._map) { return; }
            var wanted = map.getZoom() >= options.ringMinZoom;
            if (wanted && !group.hasLayer(rings)) { group.addLayer(rings); }
            if (!wanted && group.hasLayer(rings)) { group.removeLayer(rings); }
        }
        map.on("zoomend", showRings);
        group.on("add", showRings);
        group.on("remove", function () { map.off("zoomend", showRings); });
        showRings();
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
        legend: legend,
        focusWithoutScrolling: focusWithoutScrolling,
        honestAttribution: honestAttribution,
        events: events
    };
}());
