// Suggest the sub-domain from the chosen province; show the fields of the chosen kind.
(function () {
  var slugs = JSON.parse(document.getElementById("province-slugs").textContent);
  var province = document.getElementById("id_province_code");
  var slug = document.getElementById("id_slug");
  var touched = slug.value !== "";
  slug.addEventListener("input", function () { touched = true; });
  province.addEventListener("change", function () {
    if (!touched && slugs[province.value]) { slug.value = slugs[province.value]; }
  });
  function showKind() {
    var checked = document.querySelector("input[name=kind]:checked");
    var district = checked && checked.value === "district";
    document.getElementById("row-province_code").hidden = district;
    document.getElementById("row-name").hidden = !district;
  }
  document.querySelectorAll("input[name=kind]").forEach(function (r) { r.addEventListener("change", showKind); });
  showKind();
})();
