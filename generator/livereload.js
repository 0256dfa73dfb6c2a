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

  // Show a rebuilt page without a full reload: fetch it and, if its stylesheets and scripts are the
  // same, swap in its body and the rest of its head (title, metadata), keep the scroll position and
  // run the page's scripts again. Anything else, or any failure, falls back to a reload.
  function isAsset(node) {
    return (node.tagName === "LINK" && /stylesheet/i.test(node.rel)) || (node.tagName === "SCRIPT" && node.src) ||
      node.tagName === "BASE";
  }
  function assetKey(doc) {
    var parts = [doc.documentElement.getAttribute("lang"), doc.documentElement.getAttribute("dir")];
    Array.prototype.forEach.call(doc.head.children, function (node) {
      if (isAsset(node)) parts.push(node.outerHTML);
    });
    return parts.join("\n");
  }
  function runScripts(scope) {
    scope.querySelectorAll("script").forEach(function (old) {
      if (old === script || (old.type && !/^(text|application)\/(java|ecma)script$|^module$/i.test(old.type))) return;
      var fresh = document.createElement("script");
      Array.prototype.forEach.call(old.attributes, function (a) { fresh.setAttribute(a.name, a.value); });
      fresh.async = false;
      fresh.textContent = old.textContent;
      old.replaceWith(fresh);
    });
  }
  var generation = 0;  // only the newest refresh is applied, whatever order the responses come in
  function refresh() {
    if (!window.fetch || !window.DOMParser) { location.reload(); return; }
    var mine = ++generation;
    fetch(location.href, {cache: "no-store", credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then(function (html) {
      if (mine !== generation) return;  // a newer build's refresh is on its way
      var next = new DOMParser().parseFromString(html, "text/html");
      if (assetKey(next) !== assetKey(document)) { location.reload(); return; }
      next.querySelectorAll("script[data-endpoint]").forEach(function (s) { s.remove(); });
      var x = window.scrollX, y = window.scrollY;
      Array.prototype.slice.call(document.head.children).forEach(function (node) {
        if (!isAsset(node)) node.remove();
      });
      Array.prototype.slice.call(next.head.children).forEach(function (node) {
        if (!isAsset(node)) document.head.appendChild(document.adoptNode(node));
      });
      var body = document.adoptNode(next.body);
      body.appendChild(script);  // this script stays: it keeps the connection and its state
      document.body.replaceWith(body);
      runScripts(document.body);
      runScripts(document.head);
      window.scrollTo(x, y);
      document.dispatchEvent(new CustomEvent("build-site:refreshed"));
    }).catch(function () { location.reload(); });
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
    if (change.pages.indexOf("*") !== -1) {
      location.reload();  // a script or other asset changed
    } else if (change.pages.indexOf(page) !== -1) {
      refresh();
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
