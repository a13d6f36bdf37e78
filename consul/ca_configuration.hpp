#pragma once
// GET/PUT /v1/connect/ca/configuration (structs.CAConfiguration).

#include <boost/system/result.hpp>
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "consul/raw_json.hpp"

namespace gatehouse::consul {

class ObjectDecoder;

// The common keys of the built-in `consul` provider's Config map. Consul reads the map with
// mapstructure (case-insensitive, snake_case aliases, weakly typed: "256" is a valid bit count).
struct CaProviderSettings {
  std::string leaf_cert_ttl;          // Go duration, e.g. "72h"; empty = default
  std::string intermediate_cert_ttl;  // default "8760h"
  std::string root_cert_ttl;          // default "87600h"
  std::string rotation_period;        // deprecated, kept for round trips
  std::string private_key;            // PEM; never logged
  std::string root_cert;              // PEM
  std::string private_key_type;       // "ec" | "rsa"; empty = default "ec"
  int private_key_bits = 0;           // 0 = default (256 for ec, 2048 for rsa)

  friend bool operator==(const CaProviderSettings&, const CaProviderSettings&) = default;
};

struct CaConfiguration {
  static constexpr std::string_view kGoType = "structs.CAConfiguration";

  std::string provider;  // "consul"
  RawJson config;        // provider-specific map
  std::map<std::string, std::string> state;
  bool force_without_cross_signing = false;  // also read from force_without_cross_signing
  std::uint64_t create_index = 0;
  std::uint64_t modify_index = 0;

  // The typed view of `config`; an error names the key that has the wrong type.
  boost::system::result<CaProviderSettings, std::string> provider_settings() const;

  friend bool operator==(const CaConfiguration&, const CaConfiguration&) = default;
};

void to_json(nlohmann::json& j, const CaConfiguration& v);
void from_json(const nlohmann::json& j, CaConfiguration& v);
void decode_fields(ObjectDecoder& d, CaConfiguration& v);

}  // namespace gatehouse::consul
