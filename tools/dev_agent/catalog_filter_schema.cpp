#include "tools/dev_agent/catalog_filter_schema.hpp"

#include <initializer_list>

namespace gatehouse::tools {

namespace {

using Fields = std::map<std::string, FilterField>;

void add_strings(Fields& fields, std::initializer_list<const char*> names) {
  for (const char* name : names) fields.emplace(name, FilterField::string());
}

FilterField string_map() { return FilterField::map_of(FilterField::string()); }

FilterField string_slice() { return FilterField::slice_of(FilterField::string()); }

// structs.ServiceAddress: the values of a service's TaggedAddresses.
FilterField service_address() {
  return FilterField::structure(
      {{"Address", FilterField::string()}, {"Port", FilterField::integer()}});
}

FilterField mesh_gateway() { return FilterField::structure({{"Mode", FilterField::string()}}); }

FilterField weights() {
  return FilterField::structure(
      {{"Passing", FilterField::integer()}, {"Warning", FilterField::integer()}});
}

FilterField service_connect() {
  return FilterField::structure({{"Native", FilterField::boolean()}});
}

FilterField upstream() {
  Fields f;
  add_strings(f, {"DestinationType", "DestinationNamespace", "DestinationPartition",
                  "DestinationPeer", "DestinationName", "Datacenter", "LocalBindAddress",
                  "LocalBindSocketPath", "LocalBindSocketMode"});
  f.emplace("LocalBindPort", FilterField::integer());
  f.emplace("MeshGateway", mesh_gateway());
  return FilterField::structure(std::move(f));
}

FilterField expose_path() {
  Fields f;
  add_strings(f, {"Path", "Protocol"});
  f.emplace("ListenerPort", FilterField::integer());
  f.emplace("LocalPathPort", FilterField::integer());
  f.emplace("ParsedFromCheck", FilterField::boolean());
  return FilterField::structure(std::move(f));
}

FilterField expose() {
  return FilterField::structure(
      {{"Checks", FilterField::boolean()}, {"Paths", FilterField::slice_of(expose_path())}});
}

FilterField transparent_proxy() {
  return FilterField::structure({{"OutboundListenerPort", FilterField::integer()},
                                 {"DialedDirectly", FilterField::boolean()}});
}

FilterField access_logs() {
  Fields f;
  add_strings(f, {"Type", "Path", "JSONPath", "TextPath"});
  f.emplace("Enabled", FilterField::boolean());
  f.emplace("DisableListenerLogs", FilterField::boolean());
  return FilterField::structure(std::move(f));
}

FilterField envoy_extension() {
  Fields f;
  add_strings(f, {"Name", "ConsulVersion", "EnvoyVersion"});
  f.emplace("Required", FilterField::boolean());
  return FilterField::structure(std::move(f));
}

// structs.ConnectProxyConfig (expectedFieldConfigConnectProxyConfig).
FilterField connect_proxy_config() {
  Fields f;
  add_strings(f, {"DestinationServiceName", "DestinationServiceID", "LocalServiceAddress",
                  "LocalServiceSocketPath", "Mode"});
  f.emplace("LocalServicePort", FilterField::integer());
  f.emplace("EnvoyExtensions", FilterField::slice_of(envoy_extension()));
  f.emplace("Upstreams", FilterField::slice_of(upstream()));
  f.emplace("MeshGateway", mesh_gateway());
  f.emplace("Expose", expose());
  f.emplace("TransparentProxy", transparent_proxy());
  f.emplace("AccessLogs", access_logs());
  return FilterField::structure(std::move(f));
}

FilterField node() {
  Fields f;
  add_strings(f, {"ID", "Node", "Partition", "PeerName", "Address", "Datacenter"});
  f.emplace("TaggedAddresses", string_map());
  f.emplace("Meta", string_map());
  return FilterField::structure(std::move(f));
}

FilterField node_service() {
  Fields f;
  add_strings(f, {"Kind", "ID", "Service", "Address", "SocketPath", "PeerName"});
  f.emplace("Tags", string_slice());
  f.emplace("TaggedAddresses", FilterField::map_of(service_address()));
  f.emplace("Meta", string_map());
  f.emplace("Port", FilterField::integer());
  f.emplace("Weights", weights());
  f.emplace("EnableTagOverride", FilterField::boolean());
  f.emplace("Proxy", connect_proxy_config());
  f.emplace("Connect", service_connect());
  return FilterField::structure(std::move(f));
}

FilterField service_node() {
  Fields f;
  add_strings(f, {"ID", "Node", "Address", "Datacenter", "ServiceKind", "ServiceID", "ServiceName",
                  "ServiceAddress", "ServiceSocketPath", "PeerName"});
  f.emplace("TaggedAddresses", string_map());
  f.emplace("NodeMeta", string_map());
  f.emplace("ServiceTags", string_slice());
  f.emplace("ServiceTaggedAddresses", FilterField::map_of(service_address()));
  f.emplace("ServiceMeta", string_map());
  f.emplace("ServicePort", FilterField::integer());
  f.emplace("ServiceWeights", weights());
  f.emplace("ServiceEnableTagOverride", FilterField::boolean());
  f.emplace("ServiceProxy", connect_proxy_config());
  f.emplace("ServiceConnect", service_connect());
  return FilterField::structure(std::move(f));
}

FilterField health_check() {
  Fields f;
  add_strings(f, {"Node", "CheckID", "Name", "Status", "Notes", "Output", "ServiceID",
                  "ServiceName", "Type", "Interval", "Timeout", "PeerName"});
  f.emplace("ServiceTags", string_slice());
  f.emplace("ExposedPort", FilterField::integer());
  return FilterField::structure(std::move(f));
}

}  // namespace

const FilterField& node_filter_schema() {
  static const FilterField schema = node();
  return schema;
}

const FilterField& node_service_filter_schema() {
  static const FilterField schema = node_service();
  return schema;
}

const FilterField& service_node_filter_schema() {
  static const FilterField schema = service_node();
  return schema;
}

const FilterField& health_check_filter_schema() {
  static const FilterField schema = health_check();
  return schema;
}

const FilterField& check_service_node_filter_schema() {
  static const FilterField schema =
      FilterField::structure({{"Node", node()},
                              {"Service", node_service()},
                              {"Checks", FilterField::slice_of(health_check())}});
  return schema;
}

}  // namespace gatehouse::tools
