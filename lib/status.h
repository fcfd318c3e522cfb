#ifndef NEWSUTILS_STATUS_H
#define NEWSUTILS_STATUS_H

/* The only exit codes a newsutils program uses. */
enum status {
	STATUS_OK = 0,      /* everything was read and written */
	STATUS_FAILURE = 1, /* something could not be read, parsed or written */
	STATUS_USAGE = 2,   /* the command line was wrong */
};

#endif
