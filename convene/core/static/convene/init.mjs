// Loaded as a module from a file (never inline) so the Content Security Policy can forbid inline script.
import { initAll } from "/static/govuk-frontend/dist/govuk/govuk-frontend.min.js";
// The accessible autocomplete (alphagov) is a UMD bundle: imported for its effect, it sets
// self.accessibleAutocomplete.
import "/static/accessible-autocomplete/accessible-autocomplete.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

const autocomplete = self.accessibleAutocomplete;

// A long select of people (the chair, an action's owner) becomes a search box: typing part
// of a name, an agency or a role narrows the list. The select stays in the form and carries
// the answer, so the page works the same without JavaScript.
function enhanceSelect(select) {
  const chosen = select.value ? select.options[select.selectedIndex].textContent : "";
  autocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: chosen,
    showAllValues: true,
    tNoResults: () => "Nobody matches: try part of a name, an agency or a role",
  });
}

// "Find someone to invite": choosing a person ticks their box among the invitee checkboxes
// and says so; the boxes remain what the form sends.
function enhanceFinder(finder) {
  const select = finder.querySelector("select");
  const status = finder.querySelector("[data-convene-finder-status]");
  const name = finder.dataset.convenePersonFinder;
  const valueOf = new Map(Array.from(select.options, (option) => [option.textContent, option.value]));
  finder.hidden = false;
  autocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: "",
    showAllValues: false,
    tNoResults: () => "Nobody matches: try part of a name, an agency or a role",
    onConfirm: (label) => {
      const value = valueOf.get(label);
      if (!value) return;
      const box = finder.closest("form").querySelector(`input[type="checkbox"][name="${name}"][value="${value}"]`);
      if (!box) return;
      box.checked = true;
      status.textContent = `${label.split(",")[0]} is ticked to be invited`;
    },
  });
}

if (autocomplete) {
  document.querySelectorAll("select[data-convene-autocomplete]").forEach(enhanceSelect);
  document.querySelectorAll("[data-convene-person-finder]").forEach(enhanceFinder);
}
