// Outline a read's own plate on its full photo: a photo may show several plates, each a read of its own.
// The box (x, y, width, height in the photo's pixels) is on the frame's data-plate-box; it is placed
// in percentages of the photo once the photo has loaded, so it follows the photo's displayed size.
(function () {
  "use strict";

  function outline(frame) {
    var image = frame.querySelector("img");
    var box = (frame.getAttribute("data-plate-box") || "").split(",").map(Number);
    if (!image || box.length !== 4 || box.some(isNaN) || !image.naturalWidth) { return; }
    var mark = frame.querySelector(".plate-box") || document.createElement("span");
    mark.className = "plate-box";
    mark.setAttribute("aria-hidden", "true");
    mark.style.left = (100 * box[0] / image.naturalWidth) + "%";
    mark.style.top = (100 * box[1] / image.naturalHeight) + "%";
    mark.style.width = (100 * box[2] / image.naturalWidth) + "%";
    mark.style.height = (100 * box[3] / image.naturalHeight) + "%";
    frame.appendChild(mark);
  }

  document.querySelectorAll("[data-plate-box]").forEach(function (frame) {
    var image = frame.querySelector("img");
    if (!image) { return; }
    if (image.complete) { outline(frame); }
    image.addEventListener("load", function () { outline(frame); });
  });
}());
