/* The canvass form's camera map: a click (or the arrow keys) places the centre of the canvass and fills in
   its latitude and longitude; a click on a camera, or picking one from the list, centres it there.
   The projection is the server's (reports/svgmap.py Frame), given as data attributes; no inline script. */
(function () {
  "use strict";
  var figure = document.getElementById("canvass-map");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  var radius = document.getElementById("id_radius_m");
  var camera = document.getElementById("id_camera");
  if (!figure || !latitude || !longitude) { return; }
  var svg = figure.querySelector("svg");
  var centre = svg.querySelector(".canvass-centre");
  var area = svg.querySelector(".canvass-area");
  var status = document.getElementById("canvass-map-status");
  var frame = {};
  ["min-x", "min-y", "scale", "offset-x", "offset-y", "height"].forEach(function (name) {
    frame[name] = parseFloat(figure.getAttribute("data-" + name));
  });
  var EARTH_RADIUS_M = 6371000, STEP_M = 50, BIG_STEP_M = 250, PLACES = 6;
  var radians = function (degrees) { return degrees * Math.PI / 180; };
  var degrees = function (value) { return value * 180 / Math.PI; };

  function toXY(lat, lon) {
    var y = Math.log(Math.tan(Math.PI / 4 + radians(lat) / 2));
    return { x: frame["offset-x"] + (radians(lon) - frame["min-x"]) * frame.scale,
             y: frame.height - frame["offset-y"] - (y - frame["min-y"]) * frame.scale };
  }

  function toLatLon(x, y) {
    var mercator = (frame.height - frame["offset-y"] - y) / frame.scale + frame["min-y"];
    return { lat: degrees(2 * Math.atan(Math.exp(mercator)) - Math.PI / 2),
             lon: degrees((x - frame["offset-x"]) / frame.scale + frame["min-x"]) };
  }

  function metresToPixels(metres, lat) {
    return metres / (EARTH_RADIUS_M * Math.cos(radians(lat))) * frame.scale;
  }

  function current() {
    var lat = parseFloat(latitude.value), lon = parseFloat(longitude.value);
    return isFinite(lat) && isFinite(lon) ? { lat: lat, lon: lon } : null;
  }

  function cameraSpot(id) {
    return id ? svg.querySelector('.map-camera[data-camera="' + id + '"]') : null;
  }

  function draw() {
    var point = current();
    var at = point ? toXY(point.lat, point.lon) : { x: -100, y: -100 };
    var metres = parseFloat(radius && radius.value);
    centre.setAttribute("cx", at.x);
    centre.setAttribute("cy", at.y);
    area.setAttribute("cx", at.x);
    area.setAttribute("cy", at.y);
    area.setAttribute("r", point && isFinite(metres) ? Math.max(metresToPixels(metres, point.lat), 0) : 0);
  }

  function place(lat, lon, cameraId) {
    latitude.value = lat.toFixed(PLACES);
    longitude.value = lon.toFixed(PLACES);
    if (camera) { camera.value = cameraId || ""; }
    draw();
    var spot = cameraSpot(cameraId);
    var name = spot ? " at " + spot.querySelector("title").textContent : "";
    status.textContent = "Centre of the canvass" + name + ": " + latitude.value + ", " + longitude.value + ".";
  }

  function placeAtCamera(spot) {
    place(parseFloat(spot.getAttribute("data-lat")), parseFloat(spot.getAttribute("data-lon")),
          spot.getAttribute("data-camera"));
  }

  svg.addEventListener("click", function (event) {
    var spot = event.target.closest(".map-camera");
    if (spot) { placeAtCamera(spot); return; }
    var matrix = svg.getScreenCTM();
    if (!matrix) { return; }
    var pointer = svg.createSVGPoint();
    pointer.x = event.clientX;
    pointer.y = event.clientY;
    var inside = pointer.matrixTransform(matrix.inverse());
    var chosen = toLatLon(inside.x, inside.y);
    place(chosen.lat, chosen.lon, "");
  });

  var MOVES = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] };
  svg.addEventListener("keydown", function (event) {
    var move = MOVES[event.key];
    if (!move) { return; }
    event.preventDefault();
    var point = current();
    if (!point) {
      var box = svg.viewBox.baseVal;
      point = toLatLon(box.width / 2, box.height / 2);
    }
    var metres = event.shiftKey ? BIG_STEP_M : STEP_M;
    var dLat = degrees(metres / EARTH_RADIUS_M);
    var dLon = degrees(metres / (EARTH_RADIUS_M * Math.cos(radians(point.lat))));
    place(point.lat + move[0] * dLat, point.lon + move[1] * dLon, "");
  });

  if (camera) {
    camera.addEventListener("change", function () {
      var spot = cameraSpot(camera.value);
      if (spot) { placeAtCamera(spot); }
    });
  }
  // Coordinates typed by hand are a point of one's own: the camera no longer names it.
  [latitude, longitude].forEach(function (input) {
    input.addEventListener("input", function () {
      if (camera) { camera.value = ""; }
      draw();
    });
  });
  if (radius) { radius.addEventListener("input", draw); }
  figure.hidden = false;
  draw();
}());
