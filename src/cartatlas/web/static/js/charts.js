// Render every Vega-Lite spec on the page with the vendored vega-embed; mark each container
// with data-rendered="true" (or "error") so tests and people can tell. Before printing, open
// every <details> so data tables and sources are on paper too.
(function () {
  "use strict";
  var options = {
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false },
  };

  function embedAll() {
    document.querySelectorAll("[data-spec]").forEach(function (el) {
      var spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
      vegaEmbed(el, spec, options)
        .then(function () { el.dataset.rendered = "true"; })
        .catch(function (error) {
          el.dataset.rendered = "error";
          console.error("chart " + el.dataset.spec + ": " + error);
        });
    });
  }

  var closed = [];
  window.addEventListener("beforeprint", function () {
    // vega-embed's own actions menu is a <details> too: it stays closed.
    closed = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
      return !d.open && !d.closest(".vega-embed");
    });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", embedAll);
  } else {
    embedAll();
  }
})();
