// build-site preview only: live reload over Server-Sent Events, and an overlay listing build errors.
// Injected by `build-site serve`; never part of a built site.
(function () {
  "use strict";
  if (typeof document === "undefined") {
    // Loaded as the SharedWorker: one event stream shared by every open tab. A stream per tab would
    // exhaust the browser's six HTTP/1.1 connections per host, and a seventh tab would never load.
    var ports = [], current = null, source = null;
    var broadcast = function (type, data) {
      ports.forEach(function (port) { port.postMessage({type: type, data: data}); });
    };
    self.onconnect = function (connection) {
      var port = connection.ports[0];
      port.onmessage = function (message) {
        if (message.data === "bye") { ports = ports.filter(function (p) { return p !== port; }); return; }
        if (ports.indexOf(port) === -1) ports.push(port);
        if (current !== null) port.postMessage({type: "state", data: current});
        if (source !== null) return;
        source = new EventSource(message.data.endpoint);
        source.addEventListener("state", function (m) { current = m.data; broadcast("state", m.data); });
        source.addEventListener("built", function (m) {
          current = JSON.stringify({build: JSON.parse(m.data).build, errors: []});
          broadcast("built", m.data);
        });
        source.addEventListener("failed", function (m) {
          current = JSON.stringify({build: current ? JSON.parse(current).build : "", errors: JSON.parse(m.data).errors});
          broadcast("failed", m.data);
        });
      };
    };
    return;
  }
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

  var handlers = {};
  handlers.state = function (data) {
    var state = JSON.parse(data);
    script.setAttribute("data-connected", "");  // hearing from the preview (tests wait for this)
    if (seenBuild !== null && state.build && state.build !== seenBuild) {
      location.reload();  // a build we missed (before connecting, or while the server restarted) is being served
      return;
    }
    seenBuild = state.build;
    overlay(state.errors);
  };
  handlers.built = function (data) {
    var change = JSON.parse(data);
    seenBuild = change.build;
    overlay([]);
    if (change.pages.indexOf(page) !== -1 || change.pages.indexOf("*") !== -1) {
      location.reload();
    } else if (change.stylesheets) {
      swapStylesheets(change.build);
    }
  };
  handlers.failed = function (data) {
    overlay(JSON.parse(data).errors);
  };

  var absolute = new URL(endpoint, location.href).href;
  var worker = null;
  try {
    worker = new SharedWorker(script.src, {name: "build-site " + absolute});
  } catch (error) {
    worker = null;  // no SharedWorker here: this tab keeps a stream of its own
  }
  if (worker !== null) {
    worker.port.onmessage = function (message) { handlers[message.data.type](message.data.data); };
    worker.port.postMessage({endpoint: absolute});
    addEventListener("pagehide", function () { worker.port.postMessage("bye"); });
    addEventListener("pageshow", function (event) { if (event.persisted) worker.port.postMessage({endpoint: absolute}); });
  } else {
    var source = new EventSource(endpoint);
    Object.keys(handlers).forEach(function (type) {
      source.addEventListener(type, function (message) { handlers[type](message.data); });
    });
  }
})();
