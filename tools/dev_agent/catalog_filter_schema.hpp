#pragma once
// The selectors `?filter=` accepts on the catalog, health and agent lists: the filterable fields
// of Consul's structs as go-bexpr v0.1.2 derives them from the Go types (field names, `bexpr:"-"`
// fields left out), pinned by agent/structs/structs_filtering_test.go (expectedFieldConfigNode,
// …NodeService, …ServiceNode, …HealthCheck, …CheckServiceNode) and listed per endpoint in
// website/content/api-docs/{catalog,health,agent/service,agent/check}.mdx "Filtering".
//
// Two names differ from that test table, which cannot notice a missing name (its loop stops at
// the first one without failing): a HealthCheck's `CheckID` (the table says `CheckId`) and a
// NodeService's `Connect` (the table says `ServiceConnect`); the selectors are the Go field names,
// as the API docs list them (`CheckID`, `Service.Connect.Native`).
//
// The dev agent serializes these structs with the Go field names as JSON keys, so a selector path
// is also the JSON path of the item.

#include "tools/dev_agent/filter_schema.hpp"

namespace gatehouse::tools {

// structs.Node: /v1/catalog/nodes.
const FilterField& node_filter_schema();

// structs.NodeService (and api.AgentService, which has the same selectors): the services of
// /v1/catalog/node/:node and /v1/agent/services.
const FilterField& node_service_filter_schema();

// structs.ServiceNode: /v1/catalog/service/:service, /v1/catalog/connect/:service and the service
// instances behind /v1/catalog/services.
const FilterField& service_node_filter_schema();

// structs.HealthCheck: /v1/health/checks/:service, /v1/health/node/:node,
// /v1/health/state/:state and /v1/agent/checks.
const FilterField& health_check_filter_schema();

// structs.CheckServiceNode (`Node.*`, `Service.*`, `Checks.*`): /v1/health/service/:service and
// /v1/health/connect/:service.
const FilterField& check_service_node_filter_schema();

}  // namespace gatehouse::tools
