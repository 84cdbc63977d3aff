/*
 * The details pane runs in a frame of /demo and shares the compose page's Office.js stand-in,
 * as a real task pane shares Outlook's item. Handlers stay registered with the page, not the frame.
 */
(function () {
  "use strict";
  const office = Object.create(window.parent.Office);
  office.actions = { associate() {} };
  // The frame's own timer: a pane reloaded before it was ready drops its callback with it.
  office.onReady = function (callback) {
    const info = { host: "Outlook", platform: "OfficeOnline" };
    return new Promise((resolve) =>
      setTimeout(() => {
        if (callback) callback(info);
        resolve(info);
      }, 0)
    );
  };
  window.Office = office;
  window.OfficeRuntime = window.parent.OfficeRuntime;
})();
