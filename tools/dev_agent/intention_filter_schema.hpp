#pragma once
// The selectors `GET /v1/connect/intentions?filter=` accepts: the filterable fields of Consul's
// structs.Intention as go-bexpr derives them (pinned by expectedFieldConfigIntention in
// agent/structs/structs_filtering_test.go; documented in website/content/api-docs/connect/
// intentions.mdx "Filtering").

#include "tools/dev_agent/filter_schema.hpp"

namespace gatehouse::tools {

// ID, Description, SourcePeer, SourceSamenessGroup, SourcePartition, SourceNS, SourceName,
// DestinationPartition, DestinationNS, DestinationName, SourceType, Action (strings),
// Precedence (an int: == and != only), Meta and Meta.<any>.
const FilterField& intention_filter_schema();

}  // namespace gatehouse::tools
