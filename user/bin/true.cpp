// true: exits with status 0.
int main() { return 0; }
