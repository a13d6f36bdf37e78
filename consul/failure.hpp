#pragma once
// `return Failure{"reason"};` for functions returning boost::system::result<T, std::string>.
// Needed because result<T, std::string> cannot tell an error string from a value when T is
// itself constructible from a string (aggregates are, in C++20).

#include <boost/system/result.hpp>
#include <string>
#include <utility>

namespace gatehouse::consul {

struct Failure {
  std::string reason;

  template <class T>
  operator boost::system::result<T, std::string>() && {  // NOLINT(google-explicit-constructor)
    return boost::system::result<T, std::string>{boost::system::in_place_error, std::move(reason)};
  }
};

}  // namespace gatehouse::consul
