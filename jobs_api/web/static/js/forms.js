/* Progressive enhancement of the forms (every form works without it):
   - input[data-tags]: a comma-separated box becomes tags (Enter or comma adds, × removes);
   - select[multiple][data-picker]: a long list becomes chips plus a search box;
   - form[data-upload]: checks the chosen file's type and size before uploading;
   - form[data-confirm]: asks before submitting. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function splitTags(value) {
    return value.split(/[,，、;；\n]+/).map(function (part) {
      return part.trim();
    }).filter(Boolean);
  }

  function chip(label, removeLabel, onRemove) {
    var item = el("li", "chip");
    item.appendChild(el("span", "chip-label", label));
    var remove = el("button", "chip-remove", "×");
    remove.type = "button";
    remove.setAttribute("aria-label", removeLabel + " " + label);
    remove.addEventListener("click", onRemove);
    item.appendChild(remove);
    return item;
  }

  /* Tags ------------------------------------------------------------------ */

  function enhanceTags(input) {
    var removeLabel = input.getAttribute("data-remove-label") || "×";
    var tags = splitTags(input.value);
    var box = el("div", "tag-editor");
    var list = el("ul", "chip-list");
    var entry = el("input", "tag-input");
    entry.type = "text";
    entry.id = input.id + "-entry";
    entry.setAttribute("placeholder", input.getAttribute("data-tag-placeholder") || "");
    entry.setAttribute("aria-describedby", input.getAttribute("aria-describedby") || "");
    entry.setAttribute("maxlength", "30");

    var label = document.querySelector('label[for="' + input.id + '"]');
    if (label) {
      label.setAttribute("for", entry.id);
    }
    input.type = "hidden";

    function sync() {
      input.value = tags.join(", ");
      list.textContent = "";
      tags.forEach(function (tag, index) {
        list.appendChild(chip(tag, removeLabel, function () {
          tags.splice(index, 1);
          sync();
          entry.focus();
        }));
      });
    }

    function add(text) {
      splitTags(text).forEach(function (tag) {
        var known = tags.some(function (t) {
          return t.toLowerCase() === tag.toLowerCase();
        });
        if (!known) {
          tags.push(tag);
        }
      });
      sync();
    }

    entry.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === "," || event.key === "，") {
        event.preventDefault();
        add(entry.value);
        entry.value = "";
      } else if (event.key === "Backspace" && !entry.value && tags.length) {
        tags.pop();
        sync();
      }
    });
    entry.addEventListener("blur", function () {
      if (entry.value.trim()) {
        add(entry.value);
        entry.value = "";
      }
    });
    if (input.form) {
      input.form.addEventListener("submit", function () {
        if (entry.value.trim()) {
          add(entry.value);
          entry.value = "";
        }
      });
    }
    box.appendChild(list);
    box.appendChild(entry);
    input.parentNode.insertBefore(box, input.nextSibling);
    sync();
  }

  /* Searchable multi-select ------------------------------------------------ */

  function enhancePicker(select) {
    var removeLabel = select.getAttribute("data-remove-label") || "×";
    var emptyLabel = select.getAttribute("data-empty-label") || "";
    var options = Array.prototype.slice.call(select.options);
    var box = el("div", "picker");
    var list = el("ul", "chip-list");
    var search = el("input", "picker-search");
    var results = el("ul", "picker-results");
    var listId = select.id + "-results";
    search.type = "search";
    search.id = select.id + "-search";
    search.setAttribute("placeholder", select.getAttribute("data-search-placeholder") || "");
    search.setAttribute("role", "combobox");
    search.setAttribute("aria-autocomplete", "list");
    search.setAttribute("aria-expanded", "false");
    search.setAttribute("aria-controls", listId);
    search.setAttribute("autocomplete", "off");
    results.id = listId;
    results.setAttribute("role", "listbox");
    results.hidden = true;

    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      label.setAttribute("for", search.id);
    }
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");

    function groupOf(option) {
      var parent = option.parentNode;
      return parent && parent.tagName === "OPTGROUP" ? parent.label : "";
    }

    function sync() {
      list.textContent = "";
      options.forEach(function (option) {
        if (option.selected) {
          list.appendChild(chip(option.textContent, removeLabel, function () {
            option.selected = false;
            sync();
            search.focus();
          }));
        }
      });
    }

    function close() {
      results.hidden = true;
      search.setAttribute("aria-expanded", "false");
    }

    function choose(option) {
      option.selected = true;
      search.value = "";
      close();
      sync();
      search.focus();
    }

    function show() {
      var term = search.value.trim().toLowerCase();
      results.textContent = "";
      if (!term) {
        close();
        return;
      }
      var found = options.filter(function (option) {
        var text = (option.textContent + " " + groupOf(option) + " " + option.value).toLowerCase();
        return !option.selected && text.indexOf(term) !== -1;
      }).slice(0, 12);
      if (!found.length) {
        results.appendChild(el("li", "picker-empty", emptyLabel));
      }
      found.forEach(function (option, index) {
        var item = el("li", "picker-option");
        item.setAttribute("role", "option");
        item.id = listId + "-" + index;
        item.appendChild(el("span", "picker-option-label", option.textContent));
        var group = groupOf(option);
        if (group) {
          item.appendChild(el("span", "picker-option-group", group));
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(option);
        });
        results.appendChild(item);
      });
      results.hidden = false;
      search.setAttribute("aria-expanded", "true");
    }

    search.addEventListener("input", show);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var first = options.filter(function (option) {
          var term = search.value.trim().toLowerCase();
          var text = (option.textContent + " " + groupOf(option)).toLowerCase();
          return term && !option.selected && text.indexOf(term) !== -1;
        })[0];
        if (first) {
          choose(first);
        }
      } else if (event.key === "Escape") {
        close();
      }
    });
    search.addEventListener("blur", close);

    box.appendChild(list);
    box.appendChild(search);
    box.appendChild(results);
    select.parentNode.insertBefore(box, select.nextSibling);
    sync();
  }

  /* Upload checks ---------------------------------------------------------- */

  function enhanceUpload(form) {
    var input = form.querySelector('input[type="file"]');
    var hint = form.querySelector("[data-upload-hint]");
    if (!input || !hint) {
      return;
    }
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
    var extensions = (form.getAttribute("data-accept-ext") || "").split(",");
    var original = hint.textContent;

    function problem() {
      var file = input.files && input.files[0];
      if (!file) {
        return "";
      }
      var name = file.name.toLowerCase();
      var typeOk = extensions.some(function (ext) {
        return ext && name.slice(-ext.length) === ext;
      });
      if (!typeOk) {
        return form.getAttribute("data-wrong-type");
      }
      if (maxBytes && file.size > maxBytes) {
        return form.getAttribute("data-too-large");
      }
      return "";
    }

    input.addEventListener("change", function () {
      var message = problem();
      hint.textContent = message || original;
      hint.classList.toggle("is-error", Boolean(message));
      input.setAttribute("aria-invalid", message ? "true" : "false");
    });
    form.addEventListener("submit", function (event) {
      if (problem()) {
        event.preventDefault();
        input.focus();
      }
    });
  }

  function enhanceConfirm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  each("input[data-tags]", enhanceTags);
  each("select[multiple][data-picker]", enhancePicker);
  each("form[data-upload]", enhanceUpload);
  each("form[data-confirm]", enhanceConfirm);
})();
