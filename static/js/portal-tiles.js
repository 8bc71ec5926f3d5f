/* Optional tiled background map for the camera page, used only when PORTAL_TILE_URL is configured.
   The SVG map stays the accessible, offline version; this is a visual extra (aria-hidden). */
(function () {
  "use strict";
  var box = document.getElementById("portal-tile-map");
  var svg = document.querySelector(".map-svg");
  if (!box || !svg) { return; }
  var template = box.getAttribute("data-tile-url");
  var points = Array.prototype.slice.call(svg.querySelectorAll(".map-point")).map(function (g) {
    return { lat: parseFloat(g.getAttribute("data-lat")), lon: parseFloat(g.getAttribute("data-lon")),
             n: g.getAttribute("data-number") };
  }).filter(function (p) { return isFinite(p.lat) && isFinite(p.lon); });
  if (!template || !points.length) { return; }
  var width = 640, height = 420, tile = 256;
  function project(lat, lon, zoom) {
    var scale = tile * Math.pow(2, zoom), s = Math.sin(lat * Math.PI / 180);
    return { x: (lon + 180) / 360 * scale, y: (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale };
  }
  var zoom = 18, a, b;
  for (; zoom > 2; zoom--) {
    var xs = points.map(function (p) { return project(p.lat, p.lon, zoom).x; });
    var ys = points.map(function (p) { return project(p.lat, p.lon, zoom).y; });
    a = { x: Math.min.apply(null, xs), y: Math.min.apply(null, ys) };
    b = { x: Math.max.apply(null, xs), y: Math.max.apply(null, ys) };
    if (b.x - a.x < width - 80 && b.y - a.y < height - 80) { break; }
  }
  var left = (a.x + b.x) / 2 - width / 2, top = (a.y + b.y) / 2 - height / 2;
  box.style.width = width + "px";
  box.style.height = height + "px";
  for (var tx = Math.floor(left / tile); tx <= Math.floor((left + width) / tile); tx++) {
    for (var ty = Math.floor(top / tile); ty <= Math.floor((top + height) / tile); ty++) {
      var img = document.createElement("img");
      img.alt = "";
      img.src = template.replace("{z}", zoom).replace("{x}", tx).replace("{y}", ty);
      img.style.left = (tx * tile - left) + "px";
      img.style.top = (ty * tile - top) + "px";
      box.appendChild(img);
    }
  }
  points.forEach(function (p) {
    var at = project(p.lat, p.lon, zoom), marker = document.createElement("span");
    marker.className = "tile-marker";
    marker.textContent = p.n;
    marker.style.left = (at.x - left) + "px";
    marker.style.top = (at.y - top) + "px";
    box.appendChild(marker);
  });
  box.hidden = false;
}());
