/* Asks an X11 window to close the way a window manager's close button does: a WM_DELETE_WINDOW
 * client message (Xvfb has no window manager to send one). The window is found by its title.
 * usage: wm-close TITLE   (exit 0: sent; 1: no such window; 2: no display) */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdio.h>
#include <string.h>

static Window find(Display *d, Window w, const char *title) {
  char *name = NULL;
  if (XFetchName(d, w, &name) && name) {
    int same = strcmp(name, title) == 0;
    XFree(name);
    if (same) return w;
  }
  Window root, parent, *children = NULL;
  unsigned int n = 0;
  Window found = 0;
  if (XQueryTree(d, w, &root, &parent, &children, &n)) {
    for (unsigned int i = 0; i < n && !found; i++) found = find(d, children[i], title);
    if (children) XFree(children);
  }
  return found;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: wm-close TITLE\n");
    return 2;
  }
  Display *d = XOpenDisplay(NULL);
  if (!d) return 2;
  Window w = find(d, DefaultRootWindow(d), argv[1]);
  if (!w) return 1;
  XEvent e;
  memset(&e, 0, sizeof e);
  e.xclient.type = ClientMessage;
  e.xclient.window = w;
  e.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
  e.xclient.format = 32;
  e.xclient.data.l[0] = (long)XInternAtom(d, "WM_DELETE_WINDOW", False);
  e.xclient.data.l[1] = CurrentTime;
  XSendEvent(d, w, False, NoEventMask, &e);
  XSync(d, False);
  XCloseDisplay(d);
  return 0;
}
