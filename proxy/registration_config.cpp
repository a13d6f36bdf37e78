#include "proxy/registration_config.hpp"

#include <algorithm>
#include <boost/algorithm/string/predicate.hpp>
#include <cctype>
#include <nlohmann/json.hpp>

namespace gatehouse::proxy {
namespace {

// A positive millisecond count from an opaque Config map, or `fallback` with a warning when the
// key holds something else. Absent: the fallback, silently.
milliseconds config_ms(const consul::RawJson& config, const std::string& key, milliseconds fallback,
                       const std::string& where, std::vector<std::string>& warnings) {
  if (config.empty()) return fallback;
  const auto value = config.value();
  if (!value.is_object() || !value.contains(key)) return fallback;
  const auto& v = value.at(key);
  if (v.is_number() && v.get<double>() >= 1.0 && v.get<double>() <= 86'400'000.0) {
    return milliseconds{static_cast<milliseconds::rep>(v.get<double>())};
  }
  warnings.push_back(where + key + ": expected a positive number of milliseconds, got " + v.dump() +
                     "; using " + std::to_string(fallback.count()));
  return fallback;
}

}  // namespace

boost::system::result<RegistrationConfig, std::string> config_from_registration(
    const consul::AgentService& registration, const ProxyConfig& base) {
  using R = boost::system::result<RegistrationConfig, std::string>;
  const auto error = [&](const std::string& why) -> R {
    return R{boost::system::in_place_error, "service " + registration.id + ": " + why};
  };
  if (!registration.is_sidecar_proxy() || !registration.proxy) {
    return error("is not a connect-proxy registration");
  }
  const consul::ConnectProxyConfig& proxy = *registration.proxy;
  if (proxy.destination_service_name.empty()) {
    return error("Proxy.DestinationServiceName is empty");
  }
  RegistrationConfig out;
  ProxyConfig& config = out.config;
  config = base;
  config.service = proxy.destination_service_name;
  config.upstreams.clear();

  if (registration.port < 0 || registration.port > 65535) return error("Port out of range");
  config.has_listener = registration.port != 0;
  config.listen.host = registration.address.empty() ? "0.0.0.0" : registration.address;
  config.listen.port = static_cast<std::uint16_t>(registration.port);
  config.local_app.host =
      proxy.local_service_address.empty() ? "127.0.0.1" : proxy.local_service_address;
  if (proxy.local_service_port < 0 || proxy.local_service_port > 65535) {
    return error("Proxy.LocalServicePort out of range");
  }
  config.local_app.port = static_cast<std::uint16_t>(proxy.local_service_port);
  if (config.has_listener && config.local_app.port == 0) {
    return error("Proxy.LocalServicePort must be set for the public listener");
  }

  // Without the key, our own flags (or their defaults, Consul's 1000 and 10000 ms) apply.
  config.timeouts.local_connect =
      config_ms(proxy.config, "local_connect_timeout_ms", base.timeouts.local_connect,
                "Proxy.Config.", out.warnings);
  config.timeouts.handshake = config_ms(proxy.config, "handshake_timeout_ms",
                                        base.timeouts.handshake, "Proxy.Config.", out.warnings);

  for (const auto& u : proxy.upstreams) {
    const std::string where = "upstream " + u.destination_name + ": ";
    if (u.effective_type() != consul::kUpstreamService) {
      out.warnings.push_back(where + "DestinationType " + u.effective_type() +
                             " is not supported (prepared query upstreams are not supported); "
                             "skipped");
      continue;
    }
    if (!u.local_bind_socket_path.empty()) {
      out.warnings.push_back(
          where +
          "local_bind_socket_path is not supported with this proxy implementation; skipped");
      continue;
    }
    if (u.destination_name.empty() || u.local_bind_port < 0 || u.local_bind_port > 65535) {
      out.warnings.push_back(where +
                             "DestinationName empty or LocalBindPort out of range; skipped");
      continue;
    }
    UpstreamConfig upstream;
    upstream.destination_name = u.destination_name;
    if (!u.destination_namespace.empty()) upstream.destination_namespace = u.destination_namespace;
    if (!u.destination_partition.empty()) upstream.destination_partition = u.destination_partition;
    upstream.datacenter = u.datacenter;
    upstream.bind.host = u.local_bind_address.empty() ? "127.0.0.1" : u.local_bind_address;
    upstream.bind.port = static_cast<std::uint16_t>(u.local_bind_port);
    upstream.connect_timeout = config_ms(u.config, "connect_timeout_ms", milliseconds{10'000},
                                         where + "Config.", out.warnings);
    out.config.upstreams.push_back(std::move(upstream));
  }
  return out;
}

boost::system::result<std::string, std::string> find_sidecar_proxy_id(
    const std::map<std::string, consul::AgentService>& services, const std::string& sidecar_for) {
  using R = boost::system::result<std::string, std::string>;
  std::vector<std::string> ids;
  for (const auto& [id, service] : services) {
    if (service.is_sidecar_proxy() && service.proxy &&
        boost::algorithm::iequals(service.proxy->destination_service_id, sidecar_for,
                                  std::locale::classic())) {
      ids.push_back(service.id.empty() ? id : service.id);
    }
  }
  if (ids.empty())
    return R{boost::system::in_place_error, "No sidecar proxy registered for " + sidecar_for};
  if (ids.size() > 1) {
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
    return R{boost::system::in_place_error,
             "More than one sidecar proxy registered for " + sidecar_for +
                 ".\n    Start proxy with -proxy-id and one of the following IDs: " + list};
  }
  return R{boost::system::in_place_value, ids.front()};
}

}  // namespace gatehouse::proxy
