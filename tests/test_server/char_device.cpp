#include "char_device.hpp"

namespace vigil::test_server {

void describe_char_device(SpiceCharDeviceInterface& interface, SpiceCharDeviceInstance& instance,
                          const char* description, const char* subtype, const char* portname,
                          void (*state)(SpiceCharDeviceInstance*, int),
                          int (*write)(SpiceCharDeviceInstance*, const uint8_t*, int),
                          int (*read)(SpiceCharDeviceInstance*, uint8_t*, int)) {
  interface.base.type = SPICE_INTERFACE_CHAR_DEVICE;
  interface.base.description = description;
  interface.base.major_version = SPICE_INTERFACE_CHAR_DEVICE_MAJOR;
  interface.base.minor_version = SPICE_INTERFACE_CHAR_DEVICE_MINOR;
  interface.state = state;
  interface.write = write;
  interface.read = read;
  instance.base.sif = &interface.base;
  instance.subtype = subtype;
  instance.portname = portname;
}

}  // namespace vigil::test_server
