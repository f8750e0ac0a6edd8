// Small progressive enhancements on top of htmx. Everything works without JavaScript too.
(function () {
  "use strict";
  // Filter forms: leave empty fields out of the request, so the pushed URL stays short and bookmarkable.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("form.filter-form")) return;
    var params = event.detail.parameters;
    var keys = [];
    if (typeof params.keys === "function") {
      for (var key of params.keys()) keys.push(key);
    } else {
      keys = Object.keys(params);
    }
    keys.forEach(function (key) {
      var values = typeof params.getAll === "function" ? params.getAll(key) : [].concat(params[key]);
      if (values.every(function (v) { return v === "" || v === null; })) {
        if (typeof params.delete === "function") params.delete(key); else delete params[key];
      }
    });
  });
})();
