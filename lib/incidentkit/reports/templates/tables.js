/* incidentkit report page: make the incident tables sortable and searchable, offline.
   DataTables comes from ../assets/datatables.js (itables' offline bundle, written beside the run's index), which
   sets window.ikDataTablesSource to the bundle's ES module text; it is imported from a blob: URL (a file:// page
   cannot import a module file). Without it the tables stay plain, readable HTML tables.
   DataTables reads the cells from the page's own table (DOM source): no cell text is parsed as HTML again. */
(function () {
  "use strict";
  var selector = "table.ik-incidents, table.dataframe";
  var tables = Array.prototype.filter.call(document.querySelectorAll(selector), function (table) {
    var body = table.tBodies[0];
    // DataTables cannot sort rows that span rows or columns (pandas' grouped index), nor a header of two rows
    // (pandas' index name): those tables stay as they are.
    return body && body.rows.length > 1 && !body.querySelector("[rowspan], [colspan]") &&
      table.tHead && table.tHead.rows.length === 1;
  });
  var root = document.documentElement;
  if (!tables.length || typeof window.ikDataTablesSource !== "string") {
    root.setAttribute("data-ik-tables", "none");
    return;
  }
  var url = URL.createObjectURL(new Blob([window.ikDataTablesSource], {type: "text/javascript"}));
  import(url).then(function (module) {
    URL.revokeObjectURL(url);
    var DataTable = module.default;
    tables.forEach(function (table) {
      new DataTable(table, {
        paging: false,
        info: false,
        order: [],
        autoWidth: false,
        language: {search: "Search:", zeroRecords: "No incident matches the search."}
      });
    });
    root.setAttribute("data-ik-tables", String(tables.length));
  }).catch(function (error) {
    root.setAttribute("data-ik-tables", "failed");
    console.error("incidentkit: the table script did not load:", error);
  });
})();
