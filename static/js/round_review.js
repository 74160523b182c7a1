// The township's review page (templates/demands/round_review.html, _review_board.html).
// Without this file the page still works: plain forms, links to #village-N anchors. With it:
// 全选待审 and the count of ticked villages, 全部展开 / 全部收起, 下一个待审 (the button, each village's
// link, Alt+N) that opens the next village waiting for review after the one being read, and the
// keyboard focus after each action.
(function () {
  "use strict";

  var current = null; // the village being read: 下一个待审 moves on from it

  function villages() {
    return Array.prototype.slice.call(document.querySelectorAll(".review-village"));
  }

  function openVillage(village, focusTarget) {
    if (!village) {
      return;
    }
    var details = village.querySelector("details");
    if (details) {
      details.open = true;
    }
    current = village;
    village.scrollIntoView({ block: "start" });
    (focusTarget || village.querySelector("summary") || village).focus({ preventScroll: true });
    if (history.replaceState) {
      history.replaceState(null, "", "#" + village.id);
    }
  }

  // The first village waiting for review after `from` in page order, wrapping to the top.
  function nextPending(from) {
    var all = villages();
    var start = all.indexOf(from);
    var ordered = all.slice(start + 1).concat(all.slice(0, start + 1));
    for (var i = 0; i < ordered.length; i++) {
      if (ordered[i] !== from && ordered[i].dataset.state === "submitted") {
        return ordered[i];
      }
    }
    return null;
  }

  function updatePicked() {
    var picks = document.querySelectorAll(".review-pick");
    var picked = document.querySelectorAll(".review-pick:checked").length;
    var count = document.getElementById("picked-count");
    if (count) {
      count.textContent = picked ? "（已选 " + picked + "）" : "";
    }
    var all = document.getElementById("pick-all");
    if (all) {
      all.checked = picks.length > 0 && picked === picks.length;
      all.indeterminate = picked > 0 && picked < picks.length;
    }
  }

  // After a load or an htmx answer: open the village the server points at (a refused 退回 puts
  // the focus in its reason field), else read out the result, else follow the #village-N anchor.
  function settle(fromSwap) {
    if (current && !document.body.contains(current)) {
      current = document.getElementById(current.id); // the board was swapped: the same village anew
    }
    var marked = document.querySelector("#review-board [data-focus]");
    var status = document.getElementById("review-status");
    if (marked) {
      openVillage(marked.closest(".review-village"), marked.querySelector(".is-invalid"));
    } else if (fromSwap && status && status.textContent.trim()) {
      status.focus();
    } else if (/^#village-\d+$/.test(location.hash)) {
      openVillage(document.querySelector(location.hash));
    }
    updatePicked();
  }

  document.addEventListener("change", function (event) {
    if (event.target.id === "pick-all") {
      document.querySelectorAll(".review-pick").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    if (event.target.id === "pick-all" || event.target.classList.contains("review-pick")) {
      updatePicked();
    }
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-review-toggle]");
    if (toggle) {
      var open = toggle.dataset.reviewToggle === "open";
      document.querySelectorAll(".review-village details").forEach(function (details) {
        details.open = open;
      });
      return;
    }
    var next = event.target.closest(".review-next");
    if (next) {
      var target = nextPending(next.closest(".review-village") || current);
      if (target) {
        event.preventDefault();
        openVillage(target);
      }
    }
  });

  // Alt+N: 下一个待审 from anywhere on the page (a modifier key, so typing a reason never triggers it).
  document.addEventListener("keydown", function (event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyN") {
      var target = nextPending(current);
      if (target) {
        event.preventDefault();
        openVillage(target);
      }
    }
  });

  document.addEventListener("focusin", function (event) {
    var village = event.target.closest && event.target.closest(".review-village");
    if (village) {
      current = village;
    }
  });

  window.addEventListener("hashchange", function () {
    settle(false);
  });
  // The board is redrawn after each action: the villages the reviewer had open stay open.
  var wasOpen = [];
  document.body.addEventListener("htmx:beforeSwap", function () {
    wasOpen = villages()
      .filter(function (village) {
        var details = village.querySelector("details");
        return details && details.open;
      })
      .map(function (village) {
        return village.id;
      });
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    wasOpen.forEach(function (id) {
      var details = document.querySelector("#" + id + " details");
      if (details) {
        details.open = true;
      }
    });
    settle(true);
  });
  settle(false);
})();
