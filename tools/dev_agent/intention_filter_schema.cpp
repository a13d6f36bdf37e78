#include "tools/dev_agent/intention_filter_schema.hpp"

namespace gatehouse::tools {

const FilterField& intention_filter_schema() {
  static const FilterField schema = [] {
    std::map<std::string, FilterField> fields;
    for (const char* name :
         {"ID", "Description", "SourcePeer", "SourceSamenessGroup", "SourcePartition", "SourceNS",
          "SourceName", "DestinationPartition", "DestinationNS", "DestinationName", "SourceType",
          "Action"}) {
      fields.emplace(name, FilterField::string());
    }
    fields.emplace("Precedence", FilterField::integer());
    fields.emplace("Meta", FilterField::map_of(FilterField::string()));
    return FilterField::structure(std::move(fields));
  }();
  return schema;
}

}  // namespace gatehouse::tools
