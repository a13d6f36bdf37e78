#pragma once
// Decoding of Consul API bodies with the failure texts of Go's encoding/json.
//
// Consul decodes request bodies with DisallowUnknownFields, so the dev agent must refuse unknown
// fields with Go's exact message; responses from real agents are decoded leniently because newer
// agents add fields. Both modes share one implementation (consul/object_decoder.hpp).

#include <boost/system/result.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gatehouse::consul {

struct DecodeOptions {
  // Request bodies: an unknown key is `json: unknown field "<key>"`.
  bool reject_unknown_fields = false;
  // Service registrations and config entries also accept snake_case keys (`destination_name`).
  bool snake_case_keys = false;
};

inline constexpr DecodeOptions kStrictBody{.reject_unknown_fields = true, .snake_case_keys = false};
inline constexpr DecodeOptions kStrictBodyAnyCase{.reject_unknown_fields = true,
                                                  .snake_case_keys = true};
inline constexpr DecodeOptions kLenientResponse{.reject_unknown_fields = false,
                                                .snake_case_keys = false};

// Thrown by the nlohmann `from_json` overloads (lenient mode); what() is the Go-style text.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Decodes `body` into T. The error is Go's text without Consul's prefix, e.g. `EOF`,
// `json: unknown field "Namespace"`, or `json: cannot unmarshal number into Go struct field
// ConnectAuthorizeRequest.Target of type string`; the dev agent prepends
// `Request decode failed: `.
// Instantiated for every API type in its own .cpp (and for the lists/maps the API returns).
template <class T>
boost::system::result<T, std::string> decode_json(std::string_view body, DecodeOptions options);

}  // namespace gatehouse::consul
