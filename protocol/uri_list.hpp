// text/uri-list (RFC 2483), what an X drag-and-drop source gives for files:
// one URI per line, CRLF-separated, '#' lines are comments. Pure.
#pragma once

#include <string>
#include <vector>

namespace vigil::protocol {

// The local paths of the file:// URIs ("file:///a%20b" and
// "file://localhost/a%20b" -> "/a b"); other schemes, other hosts and
// undecodable lines are left out.
std::vector<std::string> local_paths_of_uri_list(const std::string& text);

}  // namespace vigil::protocol
