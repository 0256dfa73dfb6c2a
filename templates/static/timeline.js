// build-site default theme script: small conveniences only; every page works without it.
// Adds a "Copy link" button to each event on the timeline so a reader can share a deep link.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("article.event[id]").forEach(function (article) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.textContent = "Copy link";
    button.addEventListener("click", function () {
      var url = location.href.split("#")[0] + "#" + article.id;
      navigator.clipboard.writeText(url).then(function () {
        button.textContent = "Link copied";
        setTimeout(function () { button.textContent = "Copy link"; }, 2000);
      });
    });
    article.appendChild(button);
  });
})();
