/* Progressive enhancement for the header menus (the menus work without it):
   one menu open at a time, closed by a click elsewhere or by Escape. */
(function () {
  "use strict";
  var menus = Array.prototype.slice.call(document.querySelectorAll("details.dropdown"));
  if (!menus.length) {
    return;
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) {
        return;
      }
      menus.forEach(function (other) {
        if (other !== menu) {
          other.open = false;
        }
      });
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    menus.forEach(function (menu) {
      if (menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
})();
