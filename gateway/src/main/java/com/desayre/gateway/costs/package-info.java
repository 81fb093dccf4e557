/**
 * Costs: what jobs cost, read from the cost ledger storage-sink projects ({@code ledger_entries}: one row per
 * entry id, docs/costs.md); a job's cost ({@link com.desayre.gateway.costs.CostLedgerReader}), usage totals per user,
 * kind and model ({@code GET /api/usage}, admins' {@code GET /api/admin/usage}, also as CSV), and monthly budgets
 * admins set per user and as a default, checked at the door ({@link com.desayre.gateway.costs.Budgets}).
 * Uses accounts and web.
 */
package com.desayre.gateway.costs;
