int ccodecs_placeholder;
