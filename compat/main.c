/* Placeholder until the front end lands (options.c, translate.c). */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "pflask: not implemented yet\n");
	return 1;
}
