// build-site preview only: live reload over Server-Sent Events, and an overlay listing build errors.
// Injected by `build-site serve`; never part of a built site.
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = script.getAttribute("data-endpoint");
  var page = script.getAttribute("data-page");
  var seenBuild = script.getAttribute("data-build");  // the build this page was served from

  function overlay(errors) {
    var box = document.getElementById("build-site-errors");
    if (!errors || !errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("section");
      box.id = "build-site-errors";
      box.setAttribute("role", "alert");
      box.setAttribute("style", "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:2147483647;" +
        "background:#2b0b0e;color:#ffe5e5;font:14px/1.45 ui-monospace,monospace;padding:12px 16px;border-top:4px solid #ff4d5e");
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "Build failed: the page shows the last good build. Fix these and save:";
    box.appendChild(title);
    var list = document.createElement("pre");
    list.setAttribute("style", "white-space:pre-wrap;margin:8px 0 0");
    list.textContent = errors.join("\n\n");
    box.appendChild(list);
  }

  function swapStylesheets(build) {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("build", build);
      link.href = url.toString();
    });
  }

  var source = new EventSource(endpoint);
  source.addEventListener("state", function (message) {
    var state = JSON.parse(message.data);
    if (seenBuild !== null && state.build && state.build !== seenBuild) {
      location.reload();  // a build we missed (before connecting, or while the server restarted) is being served
      return;
    }
    seenBuild = state.build;
    overlay(state.errors);
  });
  source.addEventListener("built", function (message) {
    var change = JSON.parse(message.data);
    seenBuild = change.build;
    overlay([]);
    if (change.pages.indexOf(page) !== -1 || change.pages.indexOf("*") !== -1) {
      location.reload();
    } else if (change.stylesheets) {
      swapStylesheets(change.build);
    }
  });
  source.addEventListener("failed", function (message) {
    overlay(JSON.parse(message.data).errors);
  });
})();
