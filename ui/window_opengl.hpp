// Whether Vigil's windows have an OpenGL context at all. SFML 2.5 makes one
// with every window, and loading Mesa's software driver for it maps libLLVM:
// about 55 MB of the process's resident memory. Where OpenGL could only be
// software anyway (the display offers neither DRI3 nor DRI2: Xvfb, Xvnc, an
// X server with no GPU driver) the X image presentation draws without it,
// and so do the menu, the banner and the credential form (ui/text_raster).
// There the windows are made with Mesa told to render indirectly
// (LIBGL_ALWAYS_INDIRECT), which loads no driver in this process: X servers
// refuse indirect contexts by default, so SFML makes the window with no
// context (the refusals' GLX errors are expected and ignored, SFML's words
// about them logged at debug), and a server that allows them makes an
// indirect context that is never drawn with. Decided before SFML's first
// OpenGL resource: a window is one, and its hidden shared context would
// load the driver.
#pragma once

#include <SFML/Graphics/RenderWindow.hpp>

#include "ui/presentation.hpp"

namespace vigil {

// Decided at the first call, before the first window, from the presentation
// asked for and the display: no OpenGL when the presentation will be X
// images and OpenGL could only be software (or X images were asked for).
// The same answer afterwards.
bool windows_have_opengl(presentation_choice choice);
// Whether it was decided that windows have no OpenGL context.
bool windows_without_opengl();

// Vertical sync off and, with `make_current`, the window's context current:
// nothing with no context (SFML would only complain).
void prepare_window(sf::Window& window, bool make_current);

}  // namespace vigil
