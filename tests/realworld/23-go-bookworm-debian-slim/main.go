package main

import (
	"database/sql"
	"flag"
	"log"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	path := flag.String("db", "notes.db", "database file")
	flag.Parse()
	db, err := sql.Open("sqlite3", *path)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	log.Println("notes ready")
}
